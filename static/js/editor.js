// The case editor: ordered lists (add, remove with undo, move up and down), a warning before
// leaving with unsaved changes, and image uploads with a progress bar per file.
//
// Every page works without this file: lists then show a position number and a "Remove" box per
// row plus one blank row, and images are uploaded with a plain form.
(function () {
  "use strict";

  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) {
    summary.focus();
  }

  // On a phone the checklist comes before the form: folded to its count, so the form follows.
  if (window.matchMedia("(max-width: 760px)").matches) {
    document.querySelectorAll("details[data-fold-on-phone]").forEach(function (details) {
      details.open = false;
    });
  }

  var form = document.querySelector("[data-editor-form]");
  if (!form) {
    return;
  }
  var liveRegion = document.querySelector("[data-editor-live]");
  var saveStatus = document.querySelector("[data-save-status]");
  // A page re-shown after an error or a conflict holds text that is not saved yet.
  var dirty = form.hasAttribute("data-unsaved");

  function announce(text) {
    if (!liveRegion) {
      return;
    }
    liveRegion.textContent = "";
    window.setTimeout(function () {
      liveRegion.textContent = text;
    }, 60);
  }

  function markDirty() {
    dirty = true;
    form.classList.add("is-dirty");
    if (saveStatus) {
      saveStatus.textContent = "Unsaved changes";
    }
  }

  function belongsToForm(element) {
    return element && element.form === form;
  }

  form.addEventListener("input", function (event) {
    if (belongsToForm(event.target)) {
      markDirty();
    }
  });
  form.addEventListener("change", function (event) {
    if (belongsToForm(event.target)) {
      markDirty();
    }
  });
  form.addEventListener("submit", function () {
    dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Ordered lists ------------------------------------------------------------------------------

  function rowsOf(list) {
    return Array.prototype.filter.call(list.children, function (element) {
      return element.hasAttribute("data-row");
    });
  }

  // Elements of this row, not of the rows nested in it (a study's figures).
  function own(row, selector) {
    return Array.prototype.filter.call(row.querySelectorAll(selector), function (element) {
      return element.closest("[data-row]") === row;
    });
  }

  function rowField(row, name) {
    return form.querySelector('[name="' + row.getAttribute("data-form-prefix") + "-" + name + '"]');
  }

  function isRemoved(row) {
    var deletion = rowField(row, "DELETE");
    return Boolean(deletion && deletion.checked);
  }

  function nounOf(row) {
    var formset = row.closest("[data-formset]");
    return (formset && formset.getAttribute("data-noun")) || "row";
  }

  function renumber(list) {
    var rows = rowsOf(list);
    var kept = rows.filter(function (row) {
      return !isRemoved(row);
    });
    rows.forEach(function (row, index) {
      var order = rowField(row, "ORDER");
      if (order) {
        order.value = String(index + 1);
      }
    });
    kept.forEach(function (row, index) {
      own(row, "[data-row-number]").forEach(function (element) {
        element.textContent = String(index + 1);
      });
      own(row, '[data-row-action="up"]').forEach(function (button) {
        button.disabled = index === 0;
      });
      own(row, '[data-row-action="down"]').forEach(function (button) {
        button.disabled = index === kept.length - 1;
      });
    });
  }

  function showRemoved(row, removed) {
    row.classList.toggle("is-removed", removed);
    own(row, "[data-row-removed]").forEach(function (notice) {
      notice.hidden = !removed;
    });
  }

  function enhance(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll("[data-formset]"), function (formset) {
      formset.classList.add("is-enhanced");
    });
    Array.prototype.forEach.call(
      scope.querySelectorAll("[data-row-action], [data-formset-add]"),
      function (button) {
        if (button.getAttribute("data-row-action") !== "undo") {
          button.hidden = false;
        }
      }
    );
    Array.prototype.forEach.call(scope.querySelectorAll("[data-row]"), function (row) {
      showRemoved(row, isRemoved(row));
    });
  }

  function focusInRow(row, action, fallback) {
    var button = own(row, '[data-row-action="' + action + '"]')[0];
    if (button && !button.disabled) {
      button.focus();
      return;
    }
    var other = own(row, '[data-row-action="' + fallback + '"]')[0];
    if (other && !other.disabled) {
      other.focus();
    }
  }

  function move(row, step) {
    var list = row.parentElement;
    var kept = rowsOf(list).filter(function (candidate) {
      return !isRemoved(candidate);
    });
    var index = kept.indexOf(row);
    var target = kept[index + step];
    if (!target) {
      return;
    }
    list.insertBefore(row, step < 0 ? target : target.nextSibling);
    renumber(list);
    markDirty();
    focusInRow(row, step < 0 ? "up" : "down", step < 0 ? "down" : "up");
    announce(
      capitalise(nounOf(row)) + " moved to position " + (index + step + 1) + " of " +
        kept.length + "."
    );
  }

  function remove(row) {
    var deletion = rowField(row, "DELETE");
    if (!deletion) {
      return;
    }
    deletion.checked = true;
    showRemoved(row, true);
    renumber(row.parentElement);
    markDirty();
    var undo = own(row, '[data-row-action="undo"]')[0];
    if (undo) {
      undo.focus();
    }
    announce(capitalise(nounOf(row)) + " removed. It is deleted when you save; Undo brings it back.");
  }

  function undo(row) {
    var deletion = rowField(row, "DELETE");
    if (deletion) {
      deletion.checked = false;
    }
    showRemoved(row, false);
    renumber(row.parentElement);
    markDirty();
    focusInRow(row, "remove", "up");
    announce(capitalise(nounOf(row)) + " restored.");
  }

  function add(formset) {
    var prefix = formset.getAttribute("data-formset");
    var total = form.querySelector('[name="' + prefix + '-TOTAL_FORMS"]');
    var maximum = form.querySelector('[name="' + prefix + '-MAX_NUM_FORMS"]');
    var template = formset.querySelector(":scope > template[data-empty-row]");
    var list = formset.querySelector(":scope > [data-rows]");
    if (!total || !template || !list) {
      return;
    }
    var index = parseInt(total.value, 10);
    if (maximum && index >= parseInt(maximum.value, 10)) {
      announce("This list is full.");
      return;
    }
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index)).trim();
    var row = holder.firstElementChild;
    list.appendChild(row);
    total.value = String(index + 1);
    enhance(row);
    renumber(list);
    markDirty();
    var first = row.querySelector(".row-body input:not([type=hidden]), .row-body select, .row-body textarea");
    if (first) {
      first.focus();
    }
    announce(capitalise(nounOf(row)) + " added at the end of the list.");
  }

  function capitalise(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  form.addEventListener("click", function (event) {
    var adder = event.target.closest("[data-formset-add]");
    if (adder) {
      add(adder.closest("[data-formset]"));
      return;
    }
    var button = event.target.closest("[data-row-action]");
    if (!button) {
      return;
    }
    var row = button.closest("[data-row]");
    var action = button.getAttribute("data-row-action");
    if (action === "up") {
      move(row, -1);
    } else if (action === "down") {
      move(row, 1);
    } else if (action === "remove") {
      remove(row);
    } else if (action === "undo") {
      undo(row);
    }
  });

  enhance(form);
  Array.prototype.forEach.call(form.querySelectorAll("[data-rows]"), renumber);

  // Uploads ------------------------------------------------------------------------------------

  var uploading = 0;
  var uploaded = 0;

  function csrfToken() {
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function uploadFinished(area) {
    uploading -= 1;
    if (uploading > 0 || uploaded === 0) {
      return;
    }
    var summaryLine = area.querySelector("[data-upload-summary]");
    if (dirty) {
      summaryLine.textContent =
        "Uploaded. Save your changes to see the new figures in the list, with their caption " +
        "and alt text.";
      return;
    }
    summaryLine.textContent = "Uploaded. Showing the new figures in the list…";
    window.setTimeout(function () {
      window.location.reload();
    }, 1200);
  }

  function showStatus(item, status, name, body) {
    item.classList.remove("is-pending", "is-processing");
    item.classList.add("is-" + body.status);
    if (body.status === "ready") {
      status.textContent = body.label + ": uploaded and processed.";
    } else if (body.status === "failed") {
      status.textContent =
        body.label + ": uploaded, but " + (body.processing_error || "it could not be read") +
        ". Remove it and try another file.";
    } else if (body.status === "quarantined") {
      status.textContent =
        body.label + ": held for review, as it may show burned-in text. Check it before " +
        "readers can see it.";
      if (body.review_url) {
        var link = element("a", "upload-review", "Check " + body.label);
        link.href = body.review_url;
        status.appendChild(document.createTextNode(" "));
        status.appendChild(link);
      }
    } else {
      status.textContent = body.label + ": uploaded, processing (" + body.status_display + ")…";
    }
    if (body.thumbnail_url && !item.querySelector(".upload-thumb")) {
      var thumbnail = element("img", "upload-thumb");
      thumbnail.src = body.thumbnail_url;
      thumbnail.alt = "Thumbnail of " + body.label;
      item.insertBefore(thumbnail, name);
    }
  }

  function poll(item, status, name, url, attempt) {
    if (!url || attempt > 80) {
      return;
    }
    window.setTimeout(function () {
      var request = new XMLHttpRequest();
      request.open("GET", url);
      request.setRequestHeader("Accept", "application/json");
      request.addEventListener("load", function () {
        var body = {};
        try {
          body = JSON.parse(request.responseText);
        } catch (error) {
          return;
        }
        showStatus(item, status, name, body);
        if (body.status === "pending" || body.status === "processing") {
          poll(item, status, name, url, attempt + 1);
        }
      });
      request.send();
    }, Math.min(1000 + attempt * 250, 5000));
  }

  // One upload at a time: each shows its own progress, and the server (SQLite in the
  // embedded setup) is not asked to write several figures at once.
  var queue = [];
  var sending = false;

  function sendNext() {
    if (sending || queue.length === 0) {
      return;
    }
    sending = true;
    var next = queue.shift();
    next();
  }

  function upload(area, file) {
    var list = area.querySelector("[data-upload-list]");
    var item = element("li", "upload-item");
    var name = element("span", "upload-name", file.name);
    var progress = element("progress", "upload-progress");
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute("aria-label", "Upload of " + file.name);
    var status = element("span", "upload-status", "Waiting…");
    item.appendChild(name);
    item.appendChild(progress);
    item.appendChild(status);
    list.appendChild(item);

    if (!file.size) {
      item.classList.add("is-error");
      progress.remove();
      status.textContent = "This file is empty: choose another one.";
      return;
    }

    var data = new FormData();
    data.append("image", file);
    var flag = area.querySelector("[data-upload-flag]");
    if (flag && flag.checked) {
      data.append("burned_in", "1");
    }
    var request = new XMLHttpRequest();
    request.open("POST", area.getAttribute("data-upload-url"));
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        progress.value = Math.round((event.loaded / event.total) * 100);
        status.textContent = "Uploading… " + progress.value + "%";
      }
    });
    request.addEventListener("load", function () {
      var body = {};
      try {
        body = JSON.parse(request.responseText);
      } catch (error) {
        body = {};
      }
      if (request.status === 201) {
        uploaded += 1;
        progress.value = 100;
        item.classList.add("is-done", "is-" + body.status);
        showStatus(item, status, name, body);
        if (body.status === "pending" || body.status === "processing") {
          // Processing runs in the background: ask how it went until it is done.
          poll(item, status, name, body.status_url, 0);
        }
      } else {
        item.classList.add("is-error");
        status.textContent = body.error || "The upload failed (error " + request.status + ").";
      }
      finished();
    });
    request.addEventListener("error", function () {
      item.classList.add("is-error");
      status.textContent = "The upload failed: check your connection and try again.";
      finished();
    });

    function finished() {
      sending = false;
      uploadFinished(area);
      sendNext();
    }

    uploading += 1;
    queue.push(function () {
      status.textContent = "Uploading…";
      request.send(data);
    });
    sendNext();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-upload]"), function (area) {
    var input = area.querySelector("[data-upload-input]");
    if (!input) {
      return;
    }
    // Files dropped anywhere on the upload area are uploaded like chosen ones.
    area.addEventListener("dragover", function (event) {
      event.preventDefault();
      area.classList.add("is-dragging");
    });
    area.addEventListener("dragleave", function () {
      area.classList.remove("is-dragging");
    });
    area.addEventListener("drop", function (event) {
      event.preventDefault();
      area.classList.remove("is-dragging");
      Array.prototype.forEach.call(event.dataTransfer.files, function (file) {
        upload(area, file);
      });
    });
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files);
      input.value = "";
      files.forEach(function (file) {
        upload(area, file);
      });
    });
  });
})();
