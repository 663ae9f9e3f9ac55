// Progressive enhancement of the upload component: one request per file, a progress bar per file, and
// errors shown without reloading. Without JavaScript the same form posts normally and the page reloads.
(function () {
  "use strict";

  function init(component) {
    var form = component.querySelector("[data-upload-form]");
    var input = form.querySelector("input[type=file]");
    var list = component.querySelector("[data-document-list]");
    var empty = component.querySelector("[data-empty]");
    var live = component.querySelector("[data-live]");
    var summary = component.querySelector("[data-error-summary]");
    var summaryList = component.querySelector("[data-error-summary-list]");
    var fieldError = component.querySelector("[data-field-error]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var texts = {
      uploading: component.getAttribute("data-text-uploading") || "Laster opp",
      uploaded: component.getAttribute("data-text-uploaded") || "er lastet opp",
      failed: component.getAttribute("data-text-failed") || "Noe gikk galt. Prøv igjen."
    };

    function announce(text) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = text; }, 50);
    }

    function clearErrors() {
      summaryList.innerHTML = "";
      fieldError.innerHTML = "";
      summary.classList.add("is-hidden");
      input.removeAttribute("aria-invalid");
    }

    function showError(name, message) {
      var text = (name ? name + ": " : "") + message;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.className = "aksel-link";
      link.href = "#" + input.id;
      link.textContent = text;
      item.appendChild(link);
      summaryList.appendChild(item);
      var p = document.createElement("p");
      p.className = "aksel-error-message aksel-label";
      p.textContent = text;
      fieldError.appendChild(p);
      summary.classList.remove("is-hidden");
      input.setAttribute("aria-invalid", "true");
      var described = input.getAttribute("aria-describedby") || "";
      if (described.indexOf(fieldError.id) === -1) {
        input.setAttribute("aria-describedby", (described + " " + fieldError.id).trim());
      }
      announce(text);
    }

    function uploadOne(file) {
      return new Promise(function (resolve) {
        var row = document.createElement("li");
        row.className = "document-item document-item--uploading";
        var label = document.createElement("span");
        label.className = "document-item__name";
        label.textContent = file.name;
        var progress = document.createElement("progress");
        progress.max = 100;
        progress.value = 0;
        progress.setAttribute("aria-label", texts.uploading + " " + file.name);
        row.appendChild(label);
        row.appendChild(progress);
        list.appendChild(row);
        empty.classList.add("is-hidden");

        var data = new FormData();
        data.append("csrfmiddlewaretoken", token);
        data.append("files", file, file.name);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action);
        xhr.setRequestHeader("Accept", "application/json");
        xhr.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) { progress.value = Math.round((event.loaded / event.total) * 100); }
        });
        xhr.addEventListener("load", function () {
          var body = null;
          try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
          row.remove();
          if (body && body.accepted) {
            body.accepted.forEach(function (doc) {
              list.insertAdjacentHTML("beforeend", doc.html);
              announce(doc.name + " " + texts.uploaded);
            });
            (body.refused || []).forEach(function (r) { showError(r.name, r.message); });
          } else if (body && body.message) {
            showError(file.name, body.message);
          } else {
            showError(file.name, texts.failed);
          }
          if (!list.children.length) { empty.classList.remove("is-hidden"); }
          resolve();
        });
        xhr.addEventListener("error", function () {
          row.remove();
          showError(file.name, texts.failed);
          resolve();
        });
        xhr.send(data);
      });
    }

    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      event.preventDefault();
      clearErrors();
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) {
        // Let the server give the same message as without JavaScript.
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action);
        xhr.setRequestHeader("Accept", "application/json");
        xhr.addEventListener("load", function () {
          try { showError("", JSON.parse(xhr.responseText).message); } catch (e) { showError("", texts.failed); }
          input.focus();
        });
        var data = new FormData();
        data.append("csrfmiddlewaretoken", token);
        xhr.send(data);
        return;
      }
      // Clear the choice now, not when the uploads finish: files chosen while these are still on their
      // way belong to the next press of the button and must not be wiped by this one.
      input.value = "";
      files.reduce(function (chain, file) {
        return chain.then(function () { return uploadOne(file); });
      }, Promise.resolve()).then(function () {
        if (!summary.classList.contains("is-hidden")) { summary.focus(); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-upload-component]"), init);
  });
})();
