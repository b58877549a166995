// The redaction tool of the quarantine review page: rectangles dragged over a held image,
// listed with a Remove button each, and posted as the hidden `regions` JSON
// (templates/cases/_redact.html). Regions are fractions of the image and cover every slice.

import {
  asPercent,
  byDistance,
  capturePointer,
  clamp,
  framePreloader,
  frameUrl,
  imageRatio,
  percent,
  pointerFraction,
  readFigure,
  round4,
  showSlice,
  svgElement,
} from "./viewer.js";

const MAX_REGIONS = 50; // as cases.figures.clean_regions allows
const MIN_SIZE = 0.005;

function parseRegions(text) {
  if (!text) {
    return [];
  }
  try {
    const value = JSON.parse(text);
    if (!Array.isArray(value)) {
      return [];
    }
    return value.filter((region) => region && region.width > 0 && region.height > 0);
  } catch (error) {
    return [];
  }
}

function regionFrom(a, b) {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x: round4(x),
    y: round4(y),
    width: round4(Math.abs(b.x - a.x)),
    height: round4(Math.abs(b.y - a.y)),
  };
}

function describe(region, number) {
  const pc = (fraction) => `${Math.round(fraction * 100)}%`;
  const right = region.x + region.width;
  const bottom = region.y + region.height;
  return `Region ${number}: ${pc(region.x)}, ${pc(region.y)} – ${pc(right)}, ${pc(bottom)}`;
}

function initRedactor(root) {
  if (root.hasAttribute("data-redact-ready")) {
    return;
  }
  const figure = readFigure(root, "data-redact");
  const find = (selector) => root.querySelector(selector);
  const stage = find("[data-redact-stage]");
  const canvas = find("[data-redact-canvas]");
  const image = find("[data-redact-image]");
  const input = find("[data-redact-input]");
  const form = find("[data-redact-form]");
  if (!figure || !stage || !canvas || !image || !input || !form) {
    return;
  }
  root.setAttribute("data-redact-ready", "");

  const slider = find("[data-redact-slider]");
  const sliceStatus = find("[data-redact-slice-status]");
  const list = find("[data-redact-list]");
  const empty = find("[data-redact-empty]");
  const live = find("[data-redact-live]");
  const submit = find("[data-redact-submit]");
  const note = find("[data-redact-note]");
  const keyboard = find("[data-redact-keyboard]");
  const keyboardError = find("[data-redact-keyboard-error]");
  const count = figure.frames.length;
  const isStack = figure.kind === "stack" && count > 1;
  const state = { regions: parseRegions(input.value), index: 0, draft: null };
  const preloader = framePreloader();

  root.classList.add("is-enhanced");
  root.style.setProperty("--viewer-ratio", String(imageRatio(figure, image)));
  root.querySelectorAll("[data-redact-tools], [data-redact-form]").forEach((element) => {
    element.hidden = false;
  });
  stage.tabIndex = 0;
  stage.setAttribute("role", "group");
  stage.setAttribute(
    "aria-label",
    `${figure.label || "Figure"}: drawing area for regions to black out`
  );
  const hint = find(".redactor-hint[id]");
  if (hint) {
    stage.setAttribute("aria-describedby", hint.id);
  }

  const svg = svgElement("svg", {
    class: "viewer-overlay",
    focusable: "false",
    "aria-hidden": "true",
  });
  canvas.append(svg);

  function announce(text) {
    if (live) {
      live.textContent = "";
      window.setTimeout(() => {
        live.textContent = text;
      }, 50);
    }
  }

  function rectangle(region, className) {
    return svgElement("rect", {
      x: percent(region.x),
      y: percent(region.y),
      width: percent(region.width),
      height: percent(region.height),
      class: className,
    });
  }

  function draw() {
    svg.replaceChildren();
    state.regions.forEach((region, index) => {
      svg.append(rectangle(region, "redaction-region"));
      const number = svgElement("text", {
        x: percent(region.x),
        y: percent(region.y),
        dx: "0.3em",
        dy: "1.1em",
        class: "redaction-number",
      });
      number.textContent = String(index + 1);
      svg.append(number);
    });
    if (state.draft) {
      svg.append(rectangle(state.draft, "redaction-region is-draft"));
    }
  }

  function render() {
    draw();
    list.replaceChildren();
    state.regions.forEach((region, index) => {
      const item = document.createElement("li");
      const text = document.createElement("span");
      text.className = "shape-where";
      text.textContent = describe(region, index + 1);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "viewer-button";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", `Remove region ${index + 1}`);
      remove.dataset.remove = String(index);
      item.append(text, remove);
      list.append(item);
    });
    empty.hidden = state.regions.length > 0;
    input.value = state.regions.length ? JSON.stringify(state.regions) : "";
    submit.disabled = state.regions.length === 0;
    const total = state.regions.length;
    const where = isStack ? ` on all ${count} slices` : "";
    const regionsText = `${total} region${total === 1 ? "" : "s"}`;
    note.textContent = total
      ? `${regionsText} will be blacked out${where}. This cannot be undone.`
      : "Draw at least one region first.";
  }

  function add(region) {
    if (state.regions.length >= MAX_REGIONS) {
      announce(`At most ${MAX_REGIONS} regions can be blacked out at once.`);
      return;
    }
    state.regions.push(region);
    render();
    announce(`${describe(region, state.regions.length)} added.`);
  }

  // Drawing ---------------------------------------------------------------------------------

  let drag = null;

  svg.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || drag) {
      return;
    }
    drag = { id: event.pointerId, start: pointerFraction(event, canvas) };
    capturePointer(svg, event);
  });

  svg.addEventListener("pointermove", (event) => {
    if (drag && event.pointerId === drag.id) {
      state.draft = regionFrom(drag.start, pointerFraction(event, canvas));
      draw();
    }
  });

  svg.addEventListener("pointerup", (event) => {
    if (!drag || event.pointerId !== drag.id) {
      return;
    }
    const region = regionFrom(drag.start, pointerFraction(event, canvas));
    drag = null;
    state.draft = null;
    if (region.width >= MIN_SIZE && region.height >= MIN_SIZE) {
      add(region);
    } else {
      draw();
      announce("Drag to draw a region.");
    }
  });

  svg.addEventListener("pointercancel", () => {
    drag = null;
    state.draft = null;
    draw();
  });

  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove]");
    if (!button) {
      return;
    }
    const index = Number(button.dataset.remove);
    const [removed] = state.regions.splice(index, 1);
    render();
    announce(`${describe(removed, index + 1)} removed.`);
    (list.querySelector("[data-remove]") || stage).focus();
  });

  // Slices: the regions stay put while the reader checks every slice. ---------------------

  function goToSlice(index) {
    const next = clamp(Math.round(index), 0, count - 1);
    if (!isStack || next === state.index) {
      return;
    }
    state.index = next;
    image.src = frameUrl(figure, next, "default");
    showSlice(slider, sliceStatus, next, count);
    preloader.now(byDistance(next, count).slice(0, 4).map((i) => frameUrl(figure, i, "default")));
  }

  if (slider) {
    slider.addEventListener("input", () => goToSlice(Number(slider.value) - 1));
  }
  if (isStack) {
    stage.addEventListener(
      "wheel",
      (event) => {
        if (event.ctrlKey || event.metaKey || Math.abs(event.deltaY) < 1) {
          return;
        }
        event.preventDefault();
        goToSlice(state.index + Math.sign(event.deltaY));
      },
      { passive: false }
    );
    stage.addEventListener("keydown", (event) => {
      if (event.target === stage && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
        event.preventDefault();
        goToSlice(state.index + (event.key === "ArrowDown" ? 1 : -1));
      }
    });
    preloader.later(byDistance(0, count).map((i) => frameUrl(figure, i, "default")));
  }

  // Keyboard entry --------------------------------------------------------------------------

  if (keyboard) {
    const fields = Object.fromEntries(
      Array.from(keyboard.querySelectorAll("[data-edge]"), (field) => [field.dataset.edge, field])
    );
    const addRegion = () => {
      const values = {};
      for (const edge of ["left", "top", "right", "bottom"]) {
        const number = asPercent(fields[edge].value);
        if (number === null) {
          keyboardError.textContent = "Give each edge as a number from 0 to 100.";
          keyboardError.hidden = false;
          fields[edge].setAttribute("aria-invalid", "true");
          fields[edge].focus();
          return;
        }
        fields[edge].removeAttribute("aria-invalid");
        values[edge] = number / 100;
      }
      const region = regionFrom(
        { x: values.left, y: values.top },
        { x: values.right, y: values.bottom }
      );
      if (region.width < MIN_SIZE || region.height < MIN_SIZE) {
        keyboardError.textContent = "The region needs a width and a height.";
        keyboardError.hidden = false;
        return;
      }
      keyboardError.hidden = true;
      add(region);
      for (const field of Object.values(fields)) {
        field.value = "";
      }
      fields.left.focus();
    };
    find("[data-redact-keyboard-add]").addEventListener("click", addRegion);
    keyboard.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.matches("input")) {
        event.preventDefault();
        addRegion();
      }
    });
  }

  form.addEventListener("submit", (event) => {
    if (!state.regions.length) {
      event.preventDefault();
    }
  });

  render();
}

document.querySelectorAll("[data-redact]").forEach(initRedactor);
