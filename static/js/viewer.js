// The figure viewer: stack scrolling, zoom and pan, windowing (by dragging, or CT presets) of
// slices whose values the page was given (static/js/pixels.js), inversion, a scale bar,
// brightness and contrast, full screen, pinch and swipe on touch screens, and annotations
// drawn over the image.
//
// templates/cases/_viewer.html renders the first frame as a plain <img> with its caption, and the
// controls hidden; this module shows the controls and drives them. Each figure's data comes from
// its json_script element (cases.viewer.viewer_data); every coordinate in it is a fraction of
// the image's width or height. The helpers exported here are shared with annotate.js and
// redact.js.

import {
  canWindow,
  defaultWindow,
  dragSensitivity,
  scaleBar,
  valueCache,
  windowInto,
} from "./pixels.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const ZOOM_STEP = 1.25;
const MAX_ZOOM = 8;
// Wheel travel per slice: one notch of a mouse wheel is about 100 pixels, a touchpad sends many
// small deltas that add up.
const WHEEL_STEP = 50;
const DRAG_STEP = 6; // pixels of vertical drag per slice
const FULL_SIZE_ZOOM = 1.5; // past this zoom a single image switches to its full-size version
const SLICE_KEYS = ["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End"];

// Helpers shared by the three tools -------------------------------------------------------------

export function clamp(value, low, high) {
  return Math.min(high, Math.max(low, value));
}

// Four decimals: a tenth of a pixel on a 1000-pixel image, and short JSON.
export function round4(value) {
  return Math.round(value * 10000) / 10000;
}

// A percentage typed in a keyboard-entry field, from 0 to 100; null when it is not one.
export function asPercent(text) {
  const number = Number(text);
  return text.trim() !== "" && Number.isFinite(number) && number >= 0 && number <= 100
    ? number
    : null;
}

export function percent(fraction) {
  return `${(fraction * 100).toFixed(3)}%`;
}

export function uniqueId(prefix) {
  // Random, not a counter: a page may load this module twice (hashed and plain static names).
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

export function readFigure(element, attribute) {
  const id = element.getAttribute(attribute);
  const script = id ? document.getElementById(id) : null;
  if (!script) {
    return null;
  }
  try {
    const figure = JSON.parse(script.textContent);
    return figure && Array.isArray(figure.frames) && figure.frames.length ? figure : null;
  } catch (error) {
    return null;
  }
}

export function frameUrl(figure, index, preset) {
  const frame = figure.frames[index];
  if (!frame) {
    return "";
  }
  if (preset && preset !== "default" && frame.presets && frame.presets[preset]) {
    return frame.presets[preset];
  }
  return frame.src;
}

export function imageRatio(figure, image) {
  if (figure.width > 0 && figure.height > 0) {
    return figure.width / figure.height;
  }
  if (image && image.naturalWidth > 0 && image.naturalHeight > 0) {
    return image.naturalWidth / image.naturalHeight;
  }
  return 1;
}

// Where a pointer event falls on an element, as fractions of its width and height.
export function pointerFraction(event, element) {
  const box = element.getBoundingClientRect();
  return {
    x: round4(clamp((event.clientX - box.left) / (box.width || 1), 0, 1)),
    y: round4(clamp((event.clientY - box.top) / (box.height || 1), 0, 1)),
  };
}

// Keeps a drag going when the pointer leaves the element. A pointer the browser has already
// released cannot be captured; the drag then simply ends with its pointerup.
export function capturePointer(element, event) {
  try {
    element.setPointerCapture(event.pointerId);
  } catch (error) {
    // nothing to keep
  }
}

export function svgElement(name, attributes = {}) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) {
    element.setAttribute(key, String(value));
  }
  return element;
}

// Keeps a range slider, its spoken value and a status line in step with the current slice.
export function showSlice(slider, status, index, count) {
  const text = `Slice ${index + 1} of ${count}`;
  if (slider) {
    slider.value = String(index + 1);
    slider.setAttribute("aria-valuetext", text);
  }
  if (status && status.textContent !== text) {
    status.textContent = text;
  }
}

// Loads frames ahead of time so that scrolling through a stack never waits on the network.
export function framePreloader() {
  const cache = new Map();
  let queue = [];
  let scheduled = false;

  function load(url) {
    if (url && !cache.has(url)) {
      const image = new Image();
      image.decoding = "async";
      image.src = url;
      cache.set(url, image);
    }
  }

  function drain() {
    scheduled = false;
    queue.splice(0, 4).forEach(load);
    if (queue.length) {
      schedule();
    }
  }

  function schedule() {
    if (scheduled) {
      return;
    }
    scheduled = true;
    if (window.requestIdleCallback) {
      window.requestIdleCallback(drain, { timeout: 500 });
    } else {
      window.setTimeout(drain, 50);
    }
  }

  return {
    now(urls) {
      urls.forEach(load);
    },
    // Later, a few at a time, nearest first.
    later(urls) {
      queue = urls.filter((url) => url && !cache.has(url));
      if (queue.length) {
        schedule();
      }
    },
  };
}

// Frame indexes sorted by distance from `index`, for preloading nearest first.
export function byDistance(index, count) {
  const order = [];
  for (let step = 1; step < count; step += 1) {
    if (index + step < count) {
      order.push(index + step);
    }
    if (index - step >= 0) {
      order.push(index - step);
    }
  }
  return order;
}

// Annotations -----------------------------------------------------------------------------------

export function describeAnnotation(annotation) {
  if (annotation.type === "text") {
    return `Text “${annotation.text || ""}”`;
  }
  const name = annotation.type === "arrow" ? "Arrow" : "Ellipse";
  return annotation.label ? `${name} “${annotation.label}”` : name;
}

export function onFrame(annotation, frameIndex) {
  const frame = annotation.frame;
  return frame === null || frame === undefined || frame === frameIndex;
}

// An SVG laid over the image. Shapes use percentages of its size, so they stay on the image at
// any size without distorting arrowheads or text (a 0..1 viewBox stretched with
// preserveAspectRatio="none" squashes both on images that are not square).
export function createOverlay(className) {
  const svg = svgElement("svg", { class: className || "viewer-overlay", focusable: "false" });
  const marker = uniqueId("arrowhead");
  const selectedMarker = uniqueId("arrowhead-selected");
  const defs = svgElement("defs");
  for (const [id, modifier] of [
    [marker, ""],
    [selectedMarker, " is-selected"],
  ]) {
    const element = svgElement("marker", {
      id,
      viewBox: "0 0 10 10",
      refX: 8.5,
      refY: 5,
      markerWidth: 5,
      markerHeight: 5,
      orient: "auto-start-reverse",
      markerUnits: "strokeWidth",
    });
    element.append(
      svgElement("path", { d: "M0 0 L10 5 L0 10 Z", class: `annotation-head${modifier}` })
    );
    defs.append(element);
  }
  const layer = svgElement("g", { class: "annotation-layer" });
  svg.append(defs, layer);
  return { svg, layer, marker, selectedMarker };
}

function labelElement(text, x, y, anchor, dy) {
  const element = svgElement("text", {
    x: percent(x),
    y: percent(y),
    dy,
    "text-anchor": anchor,
    class: "annotation-label",
  });
  element.textContent = text;
  return element;
}

function arrowShapes(overlay, annotation, selected, hitArea) {
  const points = {
    x1: percent(annotation.x1),
    y1: percent(annotation.y1),
    x2: percent(annotation.x2),
    y2: percent(annotation.y2),
  };
  const shapes = [];
  if (hitArea) {
    shapes.push(svgElement("line", { ...points, class: "annotation-hit" }));
  }
  shapes.push(
    svgElement("line", {
      ...points,
      class: "annotation-stroke",
      "marker-end": `url(#${selected ? overlay.selectedMarker : overlay.marker})`,
    })
  );
  if (annotation.label) {
    // The label sits at the tail, on the side away from the head, and inside the image.
    let anchor = annotation.x1 <= annotation.x2 ? "end" : "start";
    if (anchor === "end" && annotation.x1 < 0.25) {
      anchor = "start";
    } else if (anchor === "start" && annotation.x1 > 0.75) {
      anchor = "end";
    }
    const above = annotation.y1 <= annotation.y2 ? annotation.y1 > 0.08 : annotation.y1 > 0.92;
    const { x1, y1, label } = annotation;
    const element = labelElement(label, x1, y1, anchor, above ? "-0.45em" : "1.15em");
    element.setAttribute("dx", anchor === "end" ? "-0.25em" : "0.25em");
    shapes.push(element);
  }
  return shapes;
}

function ellipseShapes(annotation, hitArea) {
  const geometry = {
    cx: percent(annotation.cx),
    cy: percent(annotation.cy),
    rx: percent(annotation.rx),
    ry: percent(annotation.ry),
  };
  const shapes = [];
  if (hitArea) {
    shapes.push(svgElement("ellipse", { ...geometry, class: "annotation-hit" }));
  }
  shapes.push(svgElement("ellipse", { ...geometry, class: "annotation-stroke" }));
  if (annotation.label) {
    const { cx, cy, ry, label } = annotation;
    shapes.push(
      cy - ry > 0.08
        ? labelElement(label, cx, cy - ry, "middle", "-0.45em")
        : labelElement(label, cx, cy + ry, "middle", "1.15em")
    );
  }
  return shapes;
}

function textShapes(annotation) {
  const anchor = annotation.x > 0.85 ? "end" : "start";
  const element = svgElement("text", {
    x: percent(annotation.x),
    y: percent(annotation.y),
    "text-anchor": anchor,
    "dominant-baseline": "middle",
    class: "annotation-text",
  });
  element.textContent = annotation.text || "";
  return [element];
}

// Moves labels that would stick out of the image back inside it. Shapes are in pixels of the
// unzoomed image (percentages resolve against it), so this works at any zoom.
export function fitLabels(overlay) {
  const host = overlay.svg.parentElement;
  const width = host ? host.offsetWidth : 0;
  const height = host ? host.offsetHeight : 0;
  if (!width || !height || overlay.svg.classList.contains("is-hidden")) {
    return;
  }
  const margin = 3;
  overlay.layer.querySelectorAll("text").forEach((text) => {
    text.removeAttribute("transform");
    const box = text.getBBox();
    if (!box.width) {
      return;
    }
    let dx = 0;
    let dy = 0;
    if (box.x < margin) {
      dx = margin - box.x;
    } else if (box.x + box.width > width - margin) {
      dx = Math.max(margin - box.x, width - margin - box.x - box.width);
    }
    if (box.y < margin) {
      dy = margin - box.y;
    } else if (box.y + box.height > height - margin) {
      dy = height - margin - box.y - box.height;
    }
    if (dx || dy) {
      text.setAttribute("transform", `translate(${dx.toFixed(1)} ${dy.toFixed(1)})`);
    }
  });
}

// Draws the annotations of one frame (and those on every frame); returns how many were drawn.
// Each shape's group carries data-index, its position in `annotations`.
export function drawAnnotations(overlay, annotations, frameIndex, options = {}) {
  const { selected = -1, hitArea = false } = options;
  overlay.layer.replaceChildren();
  const described = [];
  annotations.forEach((annotation, index) => {
    if (!onFrame(annotation, frameIndex)) {
      return;
    }
    const isSelected = index === selected;
    const group = svgElement("g", {
      class: `annotation shape-${annotation.type}${isSelected ? " is-selected" : ""}`,
      "data-index": index,
    });
    if (annotation.type === "arrow") {
      group.append(...arrowShapes(overlay, annotation, isSelected, hitArea));
    } else if (annotation.type === "ellipse") {
      group.append(...ellipseShapes(annotation, hitArea));
    } else if (annotation.type === "text") {
      group.append(...textShapes(annotation));
    } else {
      return;
    }
    overlay.layer.append(group);
    described.push(describeAnnotation(annotation));
  });
  if (described.length) {
    overlay.svg.setAttribute("role", "img");
    overlay.svg.setAttribute("aria-label", `Annotations: ${described.join(", ")}`);
    overlay.svg.removeAttribute("aria-hidden");
  } else {
    overlay.svg.removeAttribute("role");
    overlay.svg.removeAttribute("aria-label");
    overlay.svg.setAttribute("aria-hidden", "true");
  }
  fitLabels(overlay);
  return described.length;
}

// The viewer ------------------------------------------------------------------------------------

function isTyping(target) {
  return Boolean(target.closest("input, select, textarea, [contenteditable]"));
}

function initViewer(root) {
  if (root.hasAttribute("data-viewer-ready")) {
    return;
  }
  const figure = readFigure(root, "data-viewer");
  const stage = root.querySelector("[data-viewer-stage]");
  const canvas = root.querySelector("[data-viewer-canvas]");
  const image = root.querySelector("[data-viewer-image]");
  const controls = root.querySelector("[data-viewer-controls]");
  if (!figure || !stage || !canvas || !image || !controls) {
    return;
  }
  root.setAttribute("data-viewer-ready", "");

  const find = (selector) => root.querySelector(selector);
  const findAll = (selector) => Array.from(root.querySelectorAll(selector));
  const count = figure.frames.length;
  const isStack = figure.kind === "stack" && count > 1;
  const annotations = Array.isArray(figure.annotations) ? figure.annotations : [];
  const state = {
    index: 0,
    preset: "default",
    zoom: 1,
    x: 0,
    y: 0,
    mode: isStack ? "scroll" : "pan",
    brightness: 100,
    contrast: 100,
    showAnnotations: true,
    invert: false,
    window: null, // { center, width } of windowed slices
  };
  // A touch screen: no keyboard hints, and one finger scrolls slices rather than windows.
  const coarse = window.matchMedia("(pointer: coarse)").matches;

  const slider = find("[data-viewer-slider]");
  const status = find("[data-viewer-status]");
  const badge = find("[data-viewer-badge]");
  const zoomLevel = find("[data-viewer-zoom-level]");
  const presetSelect = find("[data-viewer-preset]");
  const annotationsToggle = find("[data-viewer-annotations]");
  const fullscreenButton = find("[data-viewer-fullscreen]");
  const brightness = find("[data-viewer-brightness]");
  const contrast = find("[data-viewer-contrast]");
  const brightnessValue = find("[data-viewer-brightness-value]");
  const contrastValue = find("[data-viewer-contrast-value]");
  const errorNote = find("[data-viewer-error]");
  const help = find(".viewer-help");
  const preloader = framePreloader();

  root.classList.add("is-enhanced");
  root.style.setProperty("--viewer-ratio", String(imageRatio(figure, image)));
  controls.hidden = false;
  stage.tabIndex = 0;
  stage.setAttribute("role", "group");
  stage.setAttribute(
    "aria-label",
    `${figure.label || "Figure"}: image viewer${isStack ? `, ${count} slices` : ""}`
  );
  if (help) {
    stage.setAttribute("aria-describedby", help.id);
  }

  const overlay = createOverlay();
  canvas.append(overlay.svg);

  // Windowed slices ------------------------------------------------------------------------

  let windowed = canWindow(figure);
  const invertButton = find("[data-viewer-invert]");
  const resetButton = find("[data-viewer-reset]");
  const windowLevel = find("[data-viewer-window-level]");
  const scale = find("[data-viewer-scale]");
  const scaleText = find("[data-viewer-scale-text]");
  let pixelCanvas = null;
  let pixelContext = null;
  let imageData = null;
  let values = null; // of the slice drawn
  let drawnIndex = -1;
  const cache = windowed ? valueCache(figure.frames) : null;

  if (windowed) {
    pixelCanvas = document.createElement("canvas");
    pixelCanvas.className = "viewer-pixels";
    pixelCanvas.setAttribute("data-viewer-pixels", "");
    pixelCanvas.setAttribute("role", "img");
    pixelCanvas.setAttribute("aria-label", image.getAttribute("alt") || "");
    image.after(pixelCanvas);
    pixelContext = pixelCanvas.getContext("2d", { willReadFrequently: true });
    state.window = windowFor("default", figure.frames[0].pixels);
    findAll("[data-viewer-mode='window']").forEach((button) => {
      button.hidden = false;
    });
    if (!coarse || !isStack) {
      state.mode = coarse ? "pan" : "window";
    }
  }

  function windowFor(preset, pixels) {
    const named = figure.windows && figure.windows[preset];
    if (named) {
      return { center: named[0], width: named[1] };
    }
    return defaultWindow(pixels);
  }

  function stopWindowing() {
    // The values could not be had: the slices' pictures are shown as before.
    windowed = false;
    root.classList.remove("is-windowed");
    if (pixelCanvas) {
      pixelCanvas.remove();
    }
    findAll("[data-viewer-mode='window']").forEach((button) => {
      button.hidden = true;
    });
    if (state.mode === "window") {
      setMode(isStack ? "scroll" : "pan");
    }
    showFrame();
  }

  function drawPixels() {
    if (!windowed || !values) {
      return;
    }
    const pixels = figure.frames[drawnIndex].pixels;
    if (!imageData || imageData.width !== pixels.columns || imageData.height !== pixels.rows) {
      pixelCanvas.width = pixels.columns;
      pixelCanvas.height = pixels.rows;
      imageData = pixelContext.createImageData(pixels.columns, pixels.rows);
    }
    windowInto(imageData, values, state.window, Boolean(pixels.invert) !== state.invert);
    pixelContext.putImageData(imageData, 0, 0);
    root.classList.add("is-windowed");
    root.setAttribute("data-viewer-drawn", `${drawnIndex}`);
  }

  function showValues() {
    const index = state.index;
    cache
      .get(index)
      .then((loaded) => {
        if (!windowed || index !== state.index) {
          return;
        }
        values = loaded;
        drawnIndex = index;
        errorNote.hidden = true;
        drawPixels();
        preloadValues();
      })
      .catch(() => {
        if (windowed && index === state.index && drawnIndex < 0) {
          stopWindowing();
        }
      });
  }

  function preloadValues() {
    if (!windowed || !isStack || !visible) {
      return;
    }
    // A few at a time, nearest first: each is fetched once and kept.
    const next = byDistance(state.index, count).filter((i) => !cache.has(i)).slice(0, 4);
    if (next.length) {
      Promise.allSettled(next.map((i) => cache.get(i))).then(preloadValues);
    }
  }

  // The value under the mouse: Hounsfield units on CT.
  let probe = null;

  function probeAt(event) {
    let next = null;
    if (windowed && values && event.pointerType === "mouse") {
      const box = pixelCanvas.getBoundingClientRect();
      const pixels = figure.frames[drawnIndex].pixels;
      const column = Math.floor(((event.clientX - box.left) / (box.width || 1)) * pixels.columns);
      const row = Math.floor(((event.clientY - box.top) / (box.height || 1)) * pixels.rows);
      if (column >= 0 && column < pixels.columns && row >= 0 && row < pixels.rows) {
        const value = values[row * pixels.columns + column];
        const shown = Number.isInteger(value) ? value : value.toFixed(1);
        next = figure.modality === "CT" ? `${shown} HU` : `Value ${shown}`;
      }
    }
    if (next !== probe) {
      probe = next;
      updateBadge();
    }
  }

  function updateWindowLevel() {
    if (!windowLevel) {
      return;
    }
    windowLevel.hidden = !windowed || !state.window;
    if (windowed && state.window) {
      const { width, center } = state.window;
      windowLevel.textContent = `W ${Math.round(width)} L ${Math.round(center)}`;
    }
  }

  function setWindow(next, presetName) {
    state.window = { center: next.center, width: Math.max(1, next.width) };
    if (presetSelect) {
      if (presetName) {
        presetSelect.value = presetName;
      } else {
        let custom = presetSelect.querySelector("option[value='custom']");
        if (!custom) {
          custom = new Option("Custom", "custom");
          presetSelect.append(custom);
        }
        presetSelect.value = "custom";
      }
    }
    state.preset = presetName || "custom";
    drawPixels();
    updateWindowLevel();
    updateBadge();
  }

  function setInvert(inverted) {
    state.invert = inverted;
    if (invertButton) {
      invertButton.setAttribute("aria-pressed", String(inverted));
    }
    if (windowed) {
      drawPixels();
    }
    root.classList.toggle("is-inverted", inverted);
  }

  function updateScale() {
    if (!scale) {
      return;
    }
    const pixels = figure.frames[state.index] && figure.frames[state.index].pixels;
    const spacing = pixels && Array.isArray(pixels.spacing) ? pixels.spacing : null;
    const shownWidth = canvas.offsetWidth * state.zoom;
    const bar =
      spacing && pixels.columns
        ? scaleBar(shownWidth / pixels.columns / spacing[1], stage.clientWidth / 4)
        : null;
    scale.hidden = !bar;
    if (bar) {
      scale.style.setProperty("--scale-width", `${Math.round(bar.pixels)}px`);
      scaleText.textContent = `${bar.mm} mm${pixels.detector ? " (detector)" : ""}`;
    }
  }

  // Drawing --------------------------------------------------------------------------------

  function currentUrl() {
    if (!isStack && figure.full && state.zoom > FULL_SIZE_ZOOM && state.preset === "default") {
      return figure.full;
    }
    return frameUrl(figure, state.index, state.preset);
  }

  function showFrame() {
    const url = currentUrl();
    if (windowed) {
      showValues();
    } else if (image.getAttribute("src") !== url) {
      image.src = url;
    }
    if (isStack) {
      showSlice(slider, status, state.index, count);
    }
    drawAnnotations(overlay, annotations, state.index);
    updateBadge();
    updateScale();
  }

  function updateBadge() {
    const parts = [];
    if (isStack) {
      parts.push(`${state.index + 1}/${count}`);
    }
    if (state.zoom > 1.001) {
      parts.push(`${Math.round(state.zoom * 100)}%`);
    }
    if (windowed && state.window) {
      parts.push(`W ${Math.round(state.window.width)} L ${Math.round(state.window.center)}`);
    }
    if (probe !== null) {
      parts.push(probe);
    }
    badge.textContent = parts.join(" · ");
    badge.hidden = parts.length === 0;
  }

  // Preload the whole stack only once the viewer is on screen: a page of several stacks should
  // not fetch every slice of every one up front.
  let visible = !("IntersectionObserver" in window);
  if (!visible) {
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        visible = true;
        observer.disconnect();
        preloadAround();
      }
    });
    observer.observe(root);
  }

  function preloadAround() {
    if (!isStack) {
      return;
    }
    if (windowed) {
      preloadValues();
      return;
    }
    const nearby = byDistance(state.index, count).map((i) => frameUrl(figure, i, state.preset));
    preloader.now(nearby.slice(0, 4));
    if (visible) {
      preloader.later(nearby.slice(4));
    }
  }

  function goToSlice(index) {
    const next = clamp(Math.round(index), 0, count - 1);
    if (!isStack || next === state.index) {
      return;
    }
    state.index = next;
    showFrame();
    preloadAround();
  }

  image.addEventListener("error", () => {
    errorNote.hidden = false;
  });
  image.addEventListener("load", () => {
    errorNote.hidden = true;
    if (!(figure.width > 0 && figure.height > 0)) {
      root.style.setProperty("--viewer-ratio", String(imageRatio(figure, image)));
    }
  });

  // Zoom and pan -----------------------------------------------------------------------------

  function applyTransform() {
    // The image may not leave the frame: at zoom z it can move by half of what overflows.
    const limitX = ((state.zoom - 1) * canvas.offsetWidth) / 2;
    const limitY = ((state.zoom - 1) * canvas.offsetHeight) / 2;
    state.x = clamp(state.x, -limitX, limitX);
    state.y = clamp(state.y, -limitY, limitY);
    canvas.style.transform =
      state.zoom === 1 ? "" : `translate(${state.x}px, ${state.y}px) scale(${state.zoom})`;
    canvas.style.setProperty("--viewer-zoom", String(state.zoom));
    zoomLevel.textContent = `${Math.round(state.zoom * 100)}%`;
    stage.classList.toggle("is-zoomed", state.zoom > 1);
    // Touch drags belong to the viewer when they scroll slices or pan; otherwise to the page.
    const capturesTouch =
      state.zoom > 1 || (isStack && state.mode === "scroll") || state.mode === "window";
    stage.classList.toggle("captures-touch", capturesTouch);
    fitLabels(overlay);
    const url = currentUrl();
    if (!windowed && image.getAttribute("src") !== url) {
      image.src = url;
    }
    updateBadge();
    updateScale();
  }

  // Zooms keeping the point under (clientX, clientY) still; without a point, the centre.
  function zoomTo(zoom, clientX, clientY) {
    const next = clamp(zoom, 1, MAX_ZOOM);
    if (next === state.zoom) {
      return;
    }
    const box = stage.getBoundingClientRect();
    const px = clientX === undefined ? 0 : clientX - (box.left + box.width / 2);
    const py = clientY === undefined ? 0 : clientY - (box.top + box.height / 2);
    state.x = px - (next / state.zoom) * (px - state.x);
    state.y = py - (next / state.zoom) * (py - state.y);
    state.zoom = next;
    applyTransform();
  }

  function resetView() {
    state.zoom = 1;
    state.x = 0;
    state.y = 0;
    applyTransform();
  }

  findAll("[data-viewer-zoom]").forEach((button) => {
    button.addEventListener("click", () => {
      const action = button.getAttribute("data-viewer-zoom");
      if (action === "in") {
        zoomTo(state.zoom * ZOOM_STEP);
      } else if (action === "out") {
        zoomTo(state.zoom / ZOOM_STEP);
      } else {
        resetView();
      }
    });
  });

  function setMode(mode) {
    state.mode = mode;
    findAll("[data-viewer-mode]").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-viewer-mode") === mode));
    });
    stage.classList.toggle("is-pan-mode", mode === "pan");
    stage.classList.toggle("is-scroll-mode", mode === "scroll");
    stage.classList.toggle("is-window-mode", mode === "window");
    applyTransform();
  }

  findAll("[data-viewer-mode]").forEach((button) => {
    button.addEventListener("click", () => setMode(button.getAttribute("data-viewer-mode")));
  });

  // Pointer: drag scrolls slices or pans; a double click fits the image again.

  let drag = null;
  // Touch points on the stage, for pinching: id → { x, y }.
  const touches = new Map();
  let pinch = null;

  function pinchSpan() {
    const [a, b] = Array.from(touches.values());
    return {
      distance: Math.hypot(a.x - b.x, a.y - b.y) || 1,
      x: (a.x + b.x) / 2,
      y: (a.y + b.y) / 2,
    };
  }

  stage.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "touch") {
      touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (touches.size === 2) {
        // A second finger: the drag becomes a pinch.
        drag = null;
        stage.classList.remove("is-dragging");
        capturePointer(stage, event);
        pinch = { ...pinchSpan(), zoom: state.zoom };
        return;
      }
    }
    if (event.button !== 0 || drag || pinch) {
      return;
    }
    // No preventDefault: the mouse focuses the stage itself, so the keys work at once and no
    // keyboard focus ring appears.
    drag = {
      id: event.pointerId,
      lastY: event.clientY,
      startX: event.clientX,
      startY: event.clientY,
      x: state.x,
      y: state.y,
      travel: 0,
      window: state.window,
      // Shift windows whatever the mode; Ctrl pans.
      mode: windowed && event.shiftKey ? "window" : event.ctrlKey ? "pan" : state.mode,
    };
    capturePointer(stage, event);
    stage.classList.add("is-dragging");
  });

  stage.addEventListener("pointermove", (event) => {
    if (touches.has(event.pointerId)) {
      touches.set(event.pointerId, { x: event.clientX, y: event.clientY });
    }
    if (pinch && touches.size === 2) {
      const span = pinchSpan();
      zoomTo((pinch.zoom * span.distance) / pinch.distance, span.x, span.y);
      return;
    }
    if (!drag) {
      probeAt(event);
    }
    if (!drag || event.pointerId !== drag.id) {
      return;
    }
    if (windowed && drag.mode === "window") {
      // Right and left: wider and narrower; up and down: a lower and higher level.
      const step = dragSensitivity(figure.frames[state.index].pixels);
      setWindow({
        center: drag.window.center - (event.clientY - drag.startY) * step,
        width: drag.window.width + (event.clientX - drag.startX) * step,
      });
    } else if (isStack && drag.mode === "scroll") {
      drag.travel += event.clientY - drag.lastY;
      drag.lastY = event.clientY;
      const steps = Math.trunc(drag.travel / DRAG_STEP);
      if (steps) {
        drag.travel -= steps * DRAG_STEP;
        goToSlice(state.index + steps);
      }
    } else {
      state.x = drag.x + (event.clientX - drag.startX);
      state.y = drag.y + (event.clientY - drag.startY);
      applyTransform();
    }
  });

  function endDrag(event) {
    touches.delete(event.pointerId);
    if (touches.size < 2) {
      pinch = null;
    }
    if (drag && event.pointerId === drag.id) {
      drag = null;
      stage.classList.remove("is-dragging");
    }
  }
  stage.addEventListener("pointerleave", (event) => {
    if (!drag) {
      probeAt({ pointerType: "none", clientX: event.clientX, clientY: event.clientY });
    }
  });
  stage.addEventListener("pointerup", endDrag);
  stage.addEventListener("pointercancel", endDrag);
  stage.addEventListener("dblclick", resetView);

  let wheelTravel = 0;
  stage.addEventListener(
    "wheel",
    (event) => {
      if (event.ctrlKey || event.metaKey) {
        // Also what a touchpad pinch sends.
        event.preventDefault();
        const factor = Math.exp(-clamp(event.deltaY, -100, 100) / 250);
        zoomTo(state.zoom * factor, event.clientX, event.clientY);
        return;
      }
      if (!isStack) {
        return; // a single image lets the page scroll
      }
      event.preventDefault();
      let delta = event.deltaY;
      if (event.deltaMode === 1) {
        delta *= 33; // lines
      } else if (event.deltaMode === 2) {
        delta *= stage.clientHeight; // pages
      }
      if (Math.abs(delta) >= WHEEL_STEP) {
        wheelTravel = 0;
        goToSlice(state.index + Math.sign(delta));
        return;
      }
      wheelTravel += delta;
      if (Math.abs(wheelTravel) >= WHEEL_STEP) {
        goToSlice(state.index + Math.sign(wheelTravel));
        wheelTravel = 0;
      }
    },
    { passive: false }
  );

  // Stack slider ------------------------------------------------------------------------------

  if (slider) {
    slider.addEventListener("input", () => goToSlice(Number(slider.value) - 1));
  }

  // Window presets ----------------------------------------------------------------------------

  const presetNames = presetSelect
    ? Array.from(presetSelect.options, (option) => option.value)
    : [];

  function setPreset(name) {
    if (!presetNames.includes(name) || name === state.preset) {
      return;
    }
    if (windowed) {
      setWindow(windowFor(name, figure.frames[state.index].pixels), name);
      return;
    }
    state.preset = name;
    presetSelect.value = name;
    showFrame();
    preloadAround();
  }

  if (invertButton) {
    invertButton.addEventListener("click", () => setInvert(!state.invert));
  }

  function resetAll() {
    setInvert(false);
    if (windowed) {
      const opening = windowFor("default", figure.frames[state.index].pixels);
      setWindow(opening, presetNames.length ? "default" : "");
    } else if (presetNames.length) {
      setPreset("default");
    }
    resetView();
  }

  if (resetButton) {
    resetButton.addEventListener("click", resetAll);
  }

  if (presetSelect) {
    presetSelect.addEventListener("change", () => setPreset(presetSelect.value));
  }

  // Brightness and contrast (photographs and radiographs) ----------------------------------

  function applyAdjustments() {
    const neutral = state.brightness === 100 && state.contrast === 100;
    image.style.filter = neutral
      ? ""
      : `brightness(${state.brightness}%) contrast(${state.contrast}%)`;
    for (const [input, output, value] of [
      [brightness, brightnessValue, state.brightness],
      [contrast, contrastValue, state.contrast],
    ]) {
      if (input) {
        input.value = String(value);
        input.setAttribute("aria-valuetext", `${value}%`);
      }
      if (output) {
        output.textContent = `${value}%`;
      }
    }
  }

  if (brightness) {
    brightness.addEventListener("input", () => {
      state.brightness = Number(brightness.value);
      applyAdjustments();
    });
  }
  if (contrast) {
    contrast.addEventListener("input", () => {
      state.contrast = Number(contrast.value);
      applyAdjustments();
    });
  }
  const adjustReset = find("[data-viewer-adjust-reset]");
  if (adjustReset) {
    adjustReset.addEventListener("click", () => {
      state.brightness = 100;
      state.contrast = 100;
      applyAdjustments();
    });
  }

  // Annotations -------------------------------------------------------------------------------

  function setAnnotationsShown(shown) {
    state.showAnnotations = shown;
    overlay.svg.classList.toggle("is-hidden", !shown);
    fitLabels(overlay);
    if (annotationsToggle) {
      annotationsToggle.checked = shown;
    }
  }

  if (annotationsToggle) {
    annotationsToggle.addEventListener("change", () => {
      setAnnotationsShown(annotationsToggle.checked);
    });
  }

  // Full screen -------------------------------------------------------------------------------

  function toggleFullscreen() {
    if (!document.fullscreenEnabled) {
      return;
    }
    if (document.fullscreenElement === root) {
      document.exitFullscreen().catch(() => {});
    } else {
      root.requestFullscreen().catch(() => {});
    }
  }

  if (document.fullscreenEnabled) {
    fullscreenButton.addEventListener("click", toggleFullscreen);
    document.addEventListener("fullscreenchange", () => {
      const active = document.fullscreenElement === root;
      fullscreenButton.textContent = active ? "Exit full screen" : "Full screen";
      root.classList.toggle("is-fullscreen", active);
      if (active) {
        stage.focus({ preventScroll: true });
      }
    });
  } else {
    fullscreenButton.hidden = true;
    if (help) {
      help.textContent = help.textContent.replace(", F full screen", "");
    }
  }

  // Keyboard ----------------------------------------------------------------------------------

  root.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) {
      return;
    }
    const page = Math.max(1, Math.round(count / 10));
    const keys = {
      ArrowUp: () => goToSlice(state.index - 1),
      ArrowDown: () => goToSlice(state.index + 1),
      PageUp: () => goToSlice(state.index - page),
      PageDown: () => goToSlice(state.index + page),
      Home: () => goToSlice(0),
      End: () => goToSlice(count - 1),
      "+": () => zoomTo(state.zoom * ZOOM_STEP),
      "=": () => zoomTo(state.zoom * ZOOM_STEP),
      "-": () => zoomTo(state.zoom / ZOOM_STEP),
      _: () => zoomTo(state.zoom / ZOOM_STEP),
      0: resetView,
      f: toggleFullscreen,
      F: toggleFullscreen,
      i: () => invertButton && setInvert(!state.invert),
      I: () => invertButton && setInvert(!state.invert),
      r: () => resetButton && resetAll(),
      R: () => resetButton && resetAll(),
    };
    let action = Object.hasOwn(keys, event.key) ? keys[event.key] : null;
    if (!isStack && SLICE_KEYS.includes(event.key)) {
      action = null; // nothing to scroll: leave the keys to the page
    }
    if (!action && /^[1-9]$/.test(event.key) && presetNames[Number(event.key) - 1]) {
      action = () => setPreset(presetNames[Number(event.key) - 1]);
    }
    if (!action) {
      return;
    }
    event.preventDefault();
    action();
  });

  // A resize (phone rotation, full screen) changes how far the image may be panned.
  if ("ResizeObserver" in window) {
    new ResizeObserver(() => {
      applyTransform();
    }).observe(stage);
  }

  if (coarse && help) {
    help.hidden = true; // no keys to press on a touch screen
    stage.removeAttribute("aria-describedby");
  }

  setMode(state.mode);
  applyAdjustments();
  setAnnotationsShown(true);
  updateWindowLevel();
  showFrame();
  preloadAround();
}

export function initViewers(scope = document) {
  scope.querySelectorAll("[data-viewer]").forEach(initViewer);
}

initViewers();
