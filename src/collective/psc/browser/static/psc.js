/* Copy buttons and self-submitting filters of the collective.psc pages. */
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain-http sites have no clipboard API: copy through a selection.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = document.execCommand("copy");
    document.body.removeChild(area);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  // Screen readers hear "Copied" from a live region; the button text alone
  // changes silently.
  var announcer = null;
  function announce(text) {
    if (!announcer) {
      announcer = document.createElement("span");
      announcer.className = "visually-hidden";
      announcer.setAttribute("role", "status");
      announcer.setAttribute("aria-live", "polite");
      announcer.id = "psc-copy-status";
      document.body.appendChild(announcer);
    }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-psc-copy]");
    if (!button) {
      return;
    }
    var source = document.getElementById(button.getAttribute("data-psc-copy"));
    if (!source) {
      return;
    }
    var label = button.textContent;
    copyText(source.textContent.trim()).then(
      function () {
        button.textContent = button.getAttribute("data-psc-copied") || "Copied";
        announce(button.textContent);
      },
      function () {
        button.textContent = "Select and copy by hand";
        announce(button.textContent);
      }
    ).then(function () {
      window.setTimeout(function () { button.textContent = label; }, 2000);
    });
  });

  // Forms that undo something ask first (revoking a token).
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-psc-confirm]");
    if (form && !window.confirm(form.getAttribute("data-psc-confirm"))) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-psc-autosubmit]");
    if (field && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
})();
