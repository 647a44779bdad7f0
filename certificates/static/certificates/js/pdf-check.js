/*
 * The verification page's local PDF check: hashes the chosen file with SHA-256 in the
 * browser (SubtleCrypto) and compares it with the fingerprint published on the page.
 * The file is never uploaded: there is no form, no request, only this comparison.
 * Messages come translated from the page (data-msg-* attributes).
 */
(function () {
  "use strict";

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer))
      .map(function (byte) { return byte.toString(16).padStart(2, "0"); })
      .join("");
  }

  function setup(section) {
    var widget = section.querySelector(".pdf-check-widget");
    var input = section.querySelector("input[type=file]");
    var result = section.querySelector(".pdf-check-result");
    var expected = (section.dataset.expected || "").toLowerCase();
    if (!widget || !input || !result || !expected) {
      return;
    }
    widget.hidden = false;
    if (!(window.crypto && window.crypto.subtle && window.File && File.prototype.arrayBuffer)) {
      input.disabled = true;
      result.textContent = section.dataset.msgUnsupported;
      return;
    }
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      result.className = "pdf-check-result";
      if (!file) {
        result.textContent = "";
        return;
      }
      result.textContent = section.dataset.msgWorking;
      file.arrayBuffer()
        .then(function (data) { return window.crypto.subtle.digest("SHA-256", data); })
        .then(function (digest) {
          var matches = hex(digest) === expected;
          result.classList.add(matches ? "pdf-check-match" : "pdf-check-mismatch");
          result.textContent = matches ? section.dataset.msgMatch : section.dataset.msgMismatch;
        })
        .catch(function () {
          result.classList.add("pdf-check-mismatch");
          result.textContent = section.dataset.msgError;
        });
    });
  }

  document.querySelectorAll(".pdf-check[data-expected]").forEach(setup);
})();
