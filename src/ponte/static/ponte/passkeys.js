// Passkeys (issue 14), beside django-otp-webauthn's own scripts (its register and verify
// buttons, see registration/_passkey_*.html):
// - what went wrong is told in the page's language, from the texts the server put on the status
//   box (data-message-<status>), and the box looks like an alert: never a silent nothing;
// - a passkey just registered gets the name typed beside the button: the form goes to the server
//   with the new passkey's id;
// - a sign-in locked out after too many failures cannot press the button again.
(function () {
  "use strict";
  const FAILED = ["aborted", "not-allowed-or-aborted", "state-error", "security-error", "get-options-failed",
    "server-error", "unknown-error"];

  function camel(status) {
    return status.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());
  }

  function explain(box, event) {
    if (!box) {
      return;
    }
    const status = box.getAttribute("data-status-enum") || "";
    const response = event.detail && event.detail.response;
    let text = box.dataset["message" + camel(status).replace(/^./, (c) => c.toUpperCase())];
    if (response && response.status === 403 && box.dataset.messageForbidden) {
      text = box.dataset.messageForbidden;
    }
    if (text) {
      box.textContent = text;
    }
    box.classList.remove("alert-success");
    box.classList.add("alert", FAILED.includes(status) ? "alert-danger" : "alert-info");
    if (response && response.status === 429) {
      document.querySelectorAll("#passkey-verification-button").forEach((button) => {
        button.disabled = true;
      });
    }
  }

  document.addEventListener("otp_webauthn.register_failed", (event) => {
    explain(document.getElementById("passkey-register-status-message"), event);
  });
  document.addEventListener("otp_webauthn.verification_failed", (event) => {
    explain(document.getElementById("passkey-verification-status-message"), event);
  });
  document.addEventListener("otp_webauthn.register_complete", (event) => {
    const form = document.getElementById("passkey-name-form");
    const box = document.getElementById("passkey-register-status-message");
    if (box && box.dataset.messageSuccess) {
      box.textContent = box.dataset.messageSuccess;
      box.classList.remove("alert-danger");
      box.classList.add("alert", "alert-success");
    }
    if (form && event.detail && event.detail.id) {
      form.elements.credential.value = event.detail.id;
      form.submit();
    }
  });
})();
