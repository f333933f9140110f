/* The `Opis` rich-text editor: Quill mounted over a plain <textarea data-editor>.
 *
 * Progressive enhancement: without JavaScript the textarea is submitted as plain text
 * (format=text) and the server turns lines into paragraphs. With it, Quill edits the text and
 * its semantic HTML is copied back into the textarea on submit (format=html); the server
 * sanitises it either way. No inline script or style: the CSP is default-src 'self'.
 */
(function () {
  "use strict";

  var TOOLBAR = [
    ["bold", "italic", "underline", "strike"],
    [{ list: "ordered" }, { list: "bullet" }],
    [{ align: [] }],
    ["link", "image", "code-block"],
    ["clean"]
  ];

  function imageByAddress() {
    // An image from another site is not shown (it would tell that site who read the ticket
    // and when; the CSP blocks it and the server keeps it as a link): insert the link.
    var address = window.prompt(document.documentElement.lang === "pl"
      ? "Adres obrazu (https://…)" : "Image address (https://…)");
    if (address && /^https?:\/\//i.test(address.trim())) {
      address = address.trim();
      var range = this.quill.getSelection(true);
      this.quill.insertText(range.index, address, "link", address, "user");
    }
  }

  function nameControls(toolbar, labels) {
    // Quill's toolbar buttons and the alignment picker show only icons: give each an
    // accessible name in the page's language (data-labels, from the catalogs).
    toolbar.setAttribute("role", "toolbar");
    if (labels.toolbar) { toolbar.setAttribute("aria-label", labels.toolbar); }
    toolbar.querySelectorAll("button").forEach(function (button) {
      var format = (button.className.match(/\bql-([\w-]+)/) || [])[1];
      var value = button.getAttribute("value");
      var name = labels[value ? format + "-" + value : format] || labels[format];
      if (name) { button.setAttribute("aria-label", name); }
    });
    toolbar.querySelectorAll(".ql-align").forEach(function (picker) {
      var label = picker.querySelector(".ql-picker-label");
      if (label && labels.align) { label.setAttribute("aria-label", labels.align); }
      picker.querySelectorAll(".ql-picker-item").forEach(function (item) {
        var name = labels["align-" + (item.getAttribute("data-value") || "")];
        if (name) { item.setAttribute("aria-label", name); }
      });
    });
  }

  function mount(textarea) {
    var form = textarea.form;
    var format = form.querySelector("input[name=format]");
    var shell = document.createElement("div");
    shell.className = "editor-shell";
    var host = document.createElement("div");
    host.id = textarea.id + "-editor";
    shell.appendChild(host);
    textarea.parentNode.insertBefore(shell, textarea);

    var quill = new window.Quill(host, {
      theme: "snow",
      modules: { toolbar: { container: TOOLBAR, handlers: { image: imageByAddress } } }
    });
    nameControls(quill.getModule("toolbar").container,
                 JSON.parse(textarea.getAttribute("data-labels") || "{}"));
    if (format && format.value === "html") {
      quill.clipboard.dangerouslyPasteHTML(textarea.value, "silent");
    } else {
      quill.setText(textarea.value, "silent");
    }
    quill.root.setAttribute("aria-labelledby", textarea.id + "-label");
    quill.root.setAttribute("role", "textbox");
    quill.root.setAttribute("aria-multiline", "true");
    var label = form.querySelector("label[for='" + textarea.id + "']");
    if (label) {
      label.id = textarea.id + "-label";
      label.addEventListener("click", function () { quill.focus(); });
    }
    textarea.hidden = true;
    textarea.clicoEditor = quill;  // staff_ticket.js inserts reply templates through it
    textarea.required = false;  // the browser cannot focus a hidden field to complain

    function sync() {
      var empty = quill.getLength() <= 1 && !quill.root.querySelector("img");
      textarea.value = empty ? "" : quill.getSemanticHTML().replace(/&nbsp;/g, " ");
      if (format) { format.value = "html"; }
    }
    // kept in sync as the user types, so the draft (draft.js) and the submit both see it
    quill.on("text-change", sync);
    form.addEventListener("submit", sync);
  }

  function preventDoubleSubmit(form) {
    // The idempotency key already makes a second click harmless; this only spares the request.
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitting === "1" && !event.submitter?.name) {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "1";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof window.Quill !== "function") { return; }
    document.querySelectorAll("textarea[data-editor]").forEach(mount);
    var form = document.getElementById("ticket-form");
    if (form) { preventDoubleSubmit(form); }
  });
})();
