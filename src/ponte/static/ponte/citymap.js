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
    var bounds = [];
    links.forEach(function (link) {
      var lat = parseFloat(link.dataset.lat);
      var lon = parseFloat(link.dataset.lon);
      if (isNaN(lat) || isNaN(lon)) {
        return;
      }
      var count = link.querySelector("text");
      var icon = window.L.divIcon({
        className: "city-leaflet-marker",
        html: count ? count.textContent : "",
        iconSize: count ? [32, 32] : [18, 18],
      });
      var marker = window.L.marker([lat, lon], {
        icon: icon,
        title: link.getAttribute("aria-label"),
        alt: link.getAttribute("aria-label"),
        keyboard: true,
      }).addTo(map);
      marker.on("click", function () {
        window.location.assign(link.getAttribute("href"));
      });
      bounds.push([lat, lon]);
    });
    if (bounds.length === 1) {
      map.setView(bounds[0], 13);
    } else {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
    }
    svg.setAttribute("hidden", "");
    svg.setAttribute("aria-hidden", "true");
    figure.classList.add("city-map-enhanced");
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("figure.city-map-figure[data-tiles]").forEach(enhance);
  });
})();
