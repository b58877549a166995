// The annotation tool of the case editor: arrows, ellipses and text drawn on a figure with the
// pointer, listed below the image with their labels, and saved by a plain form POST of the
// hidden `annotations` JSON (templates/cases/_annotate.html).
//
// Every coordinate is a fraction of the image's width or height. A shape belongs to the slice
// it was drawn on, or to every slice ("frame": null).

import {
  asPercent,
  byDistance,
  capturePointer,
  clamp,
  createOverlay,
  describeAnnotation,
  drawAnnotations,
  fitLabels,
  framePreloader,
  frameUrl,
  imageRatio,
  onFrame,
  percent,
  pointerFraction,
  readFigure,
  round4,
  showSlice,
} from "./viewer.js";

const MAX_ANNOTATIONS = 200; // as cases.figures.clean_annotations allows
const MIN_ARROW = 0.015; // shorter drags are taken as slips, not arrows
const MIN_RADIUS = 0.004;
const SHAPE_NAMES = { arrow: "Arrow", ellipse: "Ellipse", text: "Text" };
const HINTS = {
  arrow: "Drag from the tail to the head of the arrow.",
  ellipse: "Drag a box around what the ellipse should circle.",
  text: "Click where the text goes, type it, then press Enter.",
  select: "Click a shape to select it, then press Delete or use “Delete selected”.",
};

function parseAnnotations(text) {
  if (!text) {
    return null;
  }
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) ? value : null;
  } catch (error) {
    return null;
  }
}

function initAnnotator(root) {
  if (root.hasAttribute("data-annotate-ready")) {
    return;
  }
  const figure = readFigure(root, "data-annotate");
  const find = (selector) => root.querySelector(selector);
  const stage = find("[data-annotate-stage]");
  const canvas = find("[data-annotate-canvas]");
  const image = find("[data-annotate-image]");
  const input = find("[data-annotate-input]");
  const form = find("[data-annotate-form]");
  if (!figure || !stage || !canvas || !image || !input || !form) {
    return;
  }
  root.setAttribute("data-annotate-ready", "");

  const toolButtons = Array.from(root.querySelectorAll("[data-tool]"));
  const slider = find("[data-annotate-slider]");
  const sliceStatus = find("[data-annotate-slice-status]");
  const hint = find("[data-annotate-hint]");
  const live = find("[data-annotate-live]");
  const list = find("[data-annotate-list]");
  const empty = find("[data-annotate-empty]");
  const labelInput = find("[data-annotate-label]");
  const everySlice = find("[data-annotate-every]");
  const undoButton = find("[data-annotate-undo]");
  const deleteButton = find("[data-annotate-delete]");
  const clearButton = find("[data-annotate-clear]");
  const saveStatus = find("[data-annotate-save-status]");
  const keyboard = find("[data-annotate-keyboard]");
  const keyboardError = find("[data-annotate-keyboard-error]");

  const count = figure.frames.length;
  const isStack = figure.kind === "stack" && count > 1;
  const state = {
    // A page shown again after a refused save keeps what was drawn.
    annotations:
      parseAnnotations(input.value) ||
      (Array.isArray(figure.annotations) ? figure.annotations : []),
    tool: "arrow",
    index: 0,
    selected: -1,
    draft: null,
    history: [],
    dirty: false,
  };
  const preloader = framePreloader();

  root.classList.add("is-enhanced");
  root.style.setProperty("--viewer-ratio", String(imageRatio(figure, image)));
  const hiddenWithoutScript = "[data-annotate-tools], [data-annotate-panel], [data-annotate-form]";
  root.querySelectorAll(hiddenWithoutScript).forEach((element) => {
    element.hidden = false;
  });
  stage.tabIndex = 0;
  stage.setAttribute("role", "group");
  stage.setAttribute("aria-label", `${figure.label || "Figure"}: drawing area`);
  if (hint && hint.id) {
    stage.setAttribute("aria-describedby", hint.id);
  }

  const overlay = createOverlay();
  canvas.append(overlay.svg);
  if ("ResizeObserver" in window) {
    new ResizeObserver(() => fitLabels(overlay)).observe(canvas);
  }

  function announce(text) {
    if (live) {
      live.textContent = "";
      window.setTimeout(() => {
        live.textContent = text;
      }, 50);
    }
  }

  function whereText(annotation) {
    if (!isStack) {
      return "";
    }
    const frame = annotation.frame;
    return frame === null || frame === undefined ? "every slice" : `slice ${frame + 1}`;
  }

  // Drawing and syncing ---------------------------------------------------------------------

  function sync() {
    input.value = JSON.stringify(state.annotations);
    undoButton.disabled = state.history.length === 0;
    clearButton.disabled = state.annotations.length === 0;
    deleteButton.disabled = state.selected < 0;
  }

  function draw() {
    const shapes = state.draft ? [...state.annotations, state.draft] : state.annotations;
    drawAnnotations(overlay, shapes, state.index, { selected: state.selected, hitArea: true });
    if (state.draft) {
      const draft = overlay.layer.querySelector(`[data-index="${state.annotations.length}"]`);
      if (draft) {
        draft.classList.add("annotation-draft");
      }
    }
  }

  function renderList() {
    list.replaceChildren();
    state.annotations.forEach((annotation, index) => {
      const item = document.createElement("li");
      item.dataset.index = String(index);
      item.classList.toggle("is-selected", index === state.selected);

      const name = document.createElement("span");
      name.className = "shape-name";
      name.textContent = `${index + 1}. ${SHAPE_NAMES[annotation.type] || "Shape"}`;
      const where = whereText(annotation);
      if (where) {
        const place = document.createElement("span");
        place.className = "shape-where";
        place.textContent = where;
        name.append(" ", place);
      }
      item.append(name);

      const field = document.createElement("input");
      field.type = "text";
      field.maxLength = 200;
      field.autocomplete = "off";
      const key = annotation.type === "text" ? "text" : "label";
      field.value = annotation[key] || "";
      const what = annotation.type === "text" ? "Text" : "Label";
      field.setAttribute("aria-label", `${what} of annotation ${index + 1}`);
      field.placeholder = annotation.type === "text" ? "Text" : "Label (optional)";
      field.dataset.field = key;
      item.append(field);

      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "viewer-button";
      remove.textContent = "Remove";
      const description = describeAnnotation(annotation);
      remove.setAttribute("aria-label", `Remove annotation ${index + 1}: ${description}`);
      remove.dataset.remove = String(index);
      item.append(remove);

      list.append(item);
    });
    empty.hidden = state.annotations.length > 0;
  }

  function render() {
    draw();
    renderList();
    sync();
  }

  function remember() {
    state.history.push(JSON.stringify(state.annotations));
    if (state.history.length > 100) {
      state.history.shift();
    }
  }

  function changed() {
    state.dirty = true;
    if (saveStatus) {
      saveStatus.textContent = "Unsaved changes";
    }
  }

  function add(annotation) {
    if (state.annotations.length >= MAX_ANNOTATIONS) {
      announce(`A figure can have at most ${MAX_ANNOTATIONS} annotations.`);
      return;
    }
    remember();
    if (annotation.type !== "text") {
      annotation.label = labelInput ? labelInput.value.trim() : "";
      if (labelInput) {
        labelInput.value = "";
      }
    }
    state.annotations.push(annotation);
    state.selected = -1;
    changed();
    render();
    const where = whereText(annotation);
    announce(`${describeAnnotation(annotation)} added${where ? ` on ${where}` : ""}.`);
  }

  function remove(index) {
    if (index < 0 || index >= state.annotations.length) {
      return;
    }
    remember();
    const [removed] = state.annotations.splice(index, 1);
    state.selected = -1;
    changed();
    render();
    announce(`${describeAnnotation(removed)} removed.`);
  }

  function undo() {
    if (!state.history.length) {
      return;
    }
    state.annotations = JSON.parse(state.history.pop());
    state.selected = -1;
    changed();
    render();
    announce("Undone.");
  }

  function frameOfNewShape() {
    return isStack && !(everySlice && everySlice.checked) ? state.index : null;
  }

  // Tools -------------------------------------------------------------------------------------

  function setTool(tool) {
    state.tool = tool;
    toolButtons.forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.tool === tool));
    });
    root.classList.toggle("is-selecting", tool === "select");
    if (hint) {
      hint.textContent = HINTS[tool];
    }
    if (tool !== "select" && state.selected >= 0) {
      state.selected = -1;
      render();
    }
  }

  toolButtons.forEach((button) => {
    button.addEventListener("click", () => setTool(button.dataset.tool));
  });

  function select(index) {
    state.selected = index;
    render();
    if (index >= 0) {
      announce(`${describeAnnotation(state.annotations[index])} selected.`);
    }
  }

  undoButton.addEventListener("click", undo);
  deleteButton.addEventListener("click", () => remove(state.selected));
  clearButton.addEventListener("click", () => {
    if (!state.annotations.length) {
      return;
    }
    remember();
    state.annotations = [];
    state.selected = -1;
    changed();
    render();
    announce("All annotations cleared. Undo brings them back.");
  });

  // Drawing with the pointer: drag for arrows and ellipses, click for text -----------------

  let drag = null;

  function shapeFrom(start, end) {
    if (state.tool === "arrow") {
      return {
        type: "arrow",
        x1: start.x,
        y1: start.y,
        x2: end.x,
        y2: end.y,
        frame: frameOfNewShape(),
        label: "",
      };
    }
    return {
      type: "ellipse",
      cx: round4((start.x + end.x) / 2),
      cy: round4((start.y + end.y) / 2),
      rx: round4(Math.abs(end.x - start.x) / 2),
      ry: round4(Math.abs(end.y - start.y) / 2),
      frame: frameOfNewShape(),
      label: "",
    };
  }

  function bigEnough(shape) {
    if (shape.type === "arrow") {
      return Math.hypot(shape.x2 - shape.x1, shape.y2 - shape.y1) >= MIN_ARROW;
    }
    return shape.rx >= MIN_RADIUS && shape.ry >= MIN_RADIUS;
  }

  overlay.svg.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || drag) {
      return;
    }
    // The mouse focuses the stage (no preventDefault), so Delete and Ctrl+Z work next.
    if (state.tool === "select") {
      const group = event.target.closest(".annotation");
      select(group ? Number(group.dataset.index) : -1);
      return;
    }
    drag = { id: event.pointerId, start: pointerFraction(event, canvas) };
    capturePointer(overlay.svg, event);
  });

  overlay.svg.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.id || state.tool === "text") {
      return;
    }
    state.draft = shapeFrom(drag.start, pointerFraction(event, canvas));
    draw();
  });

  overlay.svg.addEventListener("pointerup", (event) => {
    if (!drag || event.pointerId !== drag.id) {
      return;
    }
    const start = drag.start;
    const end = pointerFraction(event, canvas);
    drag = null;
    state.draft = null;
    if (state.tool === "text") {
      openTextInput(end);
      return;
    }
    const shape = shapeFrom(start, end);
    if (bigEnough(shape)) {
      add(shape);
    } else {
      draw();
      announce(state.tool === "arrow" ? "Drag to draw an arrow." : "Drag to draw an ellipse.");
    }
  });

  overlay.svg.addEventListener("pointercancel", () => {
    drag = null;
    state.draft = null;
    draw();
  });

  // Text is typed in place, in a small field over the image.
  let textInput = null;

  function openTextInput(point) {
    closeTextInput(true);
    const field = document.createElement("input");
    field.type = "text";
    field.maxLength = 200;
    field.autocomplete = "off";
    field.className = "annotator-text-input";
    field.setAttribute(
      "aria-label",
      "Text of the new annotation (Enter to place, Escape to cancel)"
    );
    field.style.left = percent(Math.min(point.x, 0.6));
    field.style.top = percent(clamp(point.y, 0.05, 0.95));
    field.dataset.x = String(point.x);
    field.dataset.y = String(point.y);
    field.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        closeTextInput(true);
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeTextInput(false);
      }
    });
    field.addEventListener("blur", () => closeTextInput(true));
    canvas.append(field);
    textInput = field;
    field.focus({ preventScroll: true });
  }

  function closeTextInput(keep) {
    if (!textInput) {
      return;
    }
    const field = textInput;
    textInput = null;
    const text = field.value.trim();
    field.remove();
    if (keep && text) {
      const x = Number(field.dataset.x);
      const y = Number(field.dataset.y);
      add({ type: "text", x, y, text, frame: frameOfNewShape() });
    }
    stage.focus({ preventScroll: true });
  }

  // The list: labels are edited in place; each shape can be removed ------------------------

  let editing = null; // the annotations before the label being typed, for one undo step

  list.addEventListener("focusin", (event) => {
    if (event.target.dataset.field) {
      editing = JSON.stringify(state.annotations);
    }
  });
  list.addEventListener("input", (event) => {
    const field = event.target.dataset.field;
    const item = event.target.closest("li");
    if (!field || !item) {
      return;
    }
    const annotation = state.annotations[Number(item.dataset.index)];
    annotation[field] = event.target.value;
    changed();
    draw();
    sync();
  });
  list.addEventListener("change", (event) => {
    if (event.target.dataset.field && editing && editing !== JSON.stringify(state.annotations)) {
      state.history.push(editing);
      editing = null;
      sync();
    }
  });
  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove]");
    if (button) {
      const index = Number(button.dataset.remove);
      remove(index);
      const next = list.querySelector("[data-remove]") || undoButton;
      next.focus();
    }
  });

  // Keyboard --------------------------------------------------------------------------------

  function goToSlice(index) {
    const next = clamp(Math.round(index), 0, count - 1);
    if (!isStack || next === state.index) {
      return;
    }
    state.index = next;
    image.src = frameUrl(figure, next, "default");
    showSlice(slider, sliceStatus, next, count);
    preloader.now(byDistance(next, count).slice(0, 4).map((i) => frameUrl(figure, i, "default")));
    if (state.selected >= 0 && !onFrame(state.annotations[state.selected], next)) {
      state.selected = -1;
      sync();
    }
    draw();
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
    preloader.later(byDistance(0, count).map((i) => frameUrl(figure, i, "default")));
  }

  stage.addEventListener("keydown", (event) => {
    if (event.target !== stage || event.altKey) {
      return;
    }
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z") {
      event.preventDefault();
      undo();
    } else if ((event.key === "Delete" || event.key === "Backspace") && state.selected >= 0) {
      event.preventDefault();
      remove(state.selected);
    } else if (event.key === "Escape" && state.selected >= 0) {
      select(-1);
    } else if (isStack && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      goToSlice(state.index + (event.key === "ArrowDown" ? 1 : -1));
    }
  });

  if (keyboard) {
    const addButton = find("[data-annotate-keyboard-add]");
    const fields = Object.fromEntries(
      Array.from(keyboard.querySelectorAll("[data-coordinate]"), (field) => [
        field.dataset.coordinate,
        field,
      ])
    );
    const addArrow = () => {
      const values = {};
      for (const name of ["x1", "y1", "x2", "y2"]) {
        const number = asPercent(fields[name].value);
        if (number === null) {
          keyboardError.textContent = "Give each position as a number from 0 to 100.";
          keyboardError.hidden = false;
          fields[name].setAttribute("aria-invalid", "true");
          fields[name].focus();
          return;
        }
        fields[name].removeAttribute("aria-invalid");
        values[name] = round4(number / 100);
      }
      if (Math.hypot(values.x2 - values.x1, values.y2 - values.y1) < MIN_ARROW) {
        keyboardError.textContent = "The tail and the head are too close together.";
        keyboardError.hidden = false;
        return;
      }
      keyboardError.hidden = true;
      const labelBefore = labelInput ? labelInput.value : "";
      if (labelInput) {
        labelInput.value = fields.label.value;
      }
      add({ type: "arrow", ...values, frame: frameOfNewShape(), label: "" });
      if (labelInput) {
        labelInput.value = labelBefore;
      }
      for (const field of Object.values(fields)) {
        field.value = "";
      }
      fields.x1.focus();
    };
    addButton.addEventListener("click", addArrow);
    keyboard.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.matches("input")) {
        event.preventDefault();
        addArrow();
      }
    });
  }

  // Leaving with unsaved shapes asks first; saving does not. ------------------------------

  form.addEventListener("submit", () => {
    closeTextInput(true);
    sync();
    state.dirty = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (state.dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  setTool("arrow");
  if (isStack) {
    showSlice(slider, sliceStatus, 0, count);
  }
  render();
}

document.querySelectorAll("[data-annotate]").forEach(initAnnotator);
