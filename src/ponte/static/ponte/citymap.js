/* The portal's map of funded projects, made interactive over a tile server (PONTE_MAP_TILE_URL).
   Progressive enhancement of portal/_city_map.html: the server-drawn SVG stays the fallback, and
   the list beside the map names the same projects. Loaded only when a tile server is configured. */
(function () {
  "use strict";
  function enhance(figure) {
    var svg = figure.querySelector("svg");
    var links = figure.querySelectorAll("a.city-marker-link");
    if (!window.L || !svg || !links.length) {
      return;
    }
    var holder = document.createElement("div");
    holder.className = "city-map-interactive";
    holder.setAttribute("role", "region");
    holder.setAttribute("aria-label", svg.querySelector("title").textContent);
    figure.insertBefore(holder, svg);
    var map = window.L.map(holder, { scrollWheelZoom: false });
    window.L.tileLayer(figure.dataset.tiles, {
      attribution: figure.dataset.attribution || "",
      maxZoom: 19,
    }).addTo(map);
    var places = [];
    links.forEach(function (link) {
      var lat = parseFloat(link.dataset.lat);
      var lon = parseFloat(link.dataset.lon);
      if (!isNaN(lat) && !isNaN(lon)) {
        places.push({ link: link, latlng: [lat, lon] });
      }
    });
    if (!places.length) {
      holder.remove();
      return;
    }
    var bounds = places.map(function (place) { return place.latlng; });
    if (bounds.length === 1) {
      map.setView(bounds[0], 13);
    } else {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
    }
    // Markers are added once the map has its view, so each has its element to listen to.
    places.forEach(function (place) {
      var link = place.link;
      var count = link.querySelector("text");
      var icon = window.L.divIcon({
        className: "city-leaflet-marker",
        html: count ? count.textContent : "",
        iconSize: count ? [32, 32] : [18, 18],
      });
      var marker = window.L.marker(place.latlng, {
        icon: icon,
        title: link.getAttribute("aria-label"),
        alt: link.getAttribute("aria-label"),
        keyboard: true,
      }).addTo(map);
      var go = function () {
        window.location.assign(link.getAttribute("href"));
      };
      marker.on("click", go);
      // The marker is a focusable button: Enter and Space follow it, as they follow the SVG's link.
      marker.getElement().addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          go();
        }
      });
    });
    svg.setAttribute("hidden", "");
    svg.setAttribute("aria-hidden", "true");
    figure.classList.add("city-map-enhanced");
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("figure.city-map-figure[data-tiles]").forEach(enhance);
  });
})();
