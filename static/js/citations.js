// "Cite this case": the Copy buttons copy the citation next to them. Without JavaScript (or
// without a clipboard) the buttons stay hidden and the text can be selected by hand.
(function () {
  "use strict";

  const COPIED_FOR_MS = 2000;

  function copyBySelection(text) {
    // For browsers without the asynchronous clipboard (pages served over plain http).
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    area.remove();
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(() => copyBySelection(text));
    }
    return copyBySelection(text);
  }

  function announce(box, message) {
    const status = box.querySelector(".copy-status");
    if (status) {
      status.textContent = message;
    }
  }

  function setUp(box) {
    box.querySelectorAll("button[data-copy-target]").forEach((button) => {
      const target = document.getElementById(button.dataset.copyTarget);
      if (!target) {
        return;
      }
      const label = button.innerHTML;
      button.hidden = false;
      button.addEventListener("click", () => {
        const style = button.dataset.label || "The";
        copy(target.textContent.trim()).then(
          () => {
            button.textContent = "Copied";
            button.classList.add("is-copied");
            announce(box, `${style} citation copied to the clipboard.`);
            window.setTimeout(() => {
              button.innerHTML = label;
              button.classList.remove("is-copied");
            }, COPIED_FOR_MS);
          },
          () => announce(box, "Could not copy: select the text and copy it by hand."),
        );
      });
    });
  }

  document.querySelectorAll("#cite").forEach(setUp);
})();
