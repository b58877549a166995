// One large viewer per study: its figures (series and images) are shown one at a time and
// chosen from a strip of their pictures above it. Without the script every figure is shown, one below
// the other.
//
// Markup: an element with data-study-viewer holding the figures, each an element with an id
// and the class "figure" or "conference-figure"; a figure's viewer
// (templates/cases/_viewer.html) carries its data in a json_script element. A link to
// #figure-<id> shows that figure.

const ITEMS = ":scope .figure, :scope .conference-figure";

function figureData(item) {
  const viewer = item.querySelector("[data-viewer]");
  const script = viewer ? document.getElementById(viewer.getAttribute("data-viewer")) : null;
  if (!script) {
    return null;
  }
  try {
    return JSON.parse(script.textContent);
  } catch (error) {
    return null;
  }
}

function describe(item, number) {
  const data = figureData(item);
  const label = item.querySelector(".viewer-caption-label, .figure-label");
  const name = (data && data.label) || (label && label.textContent.trim()) || `Image ${number}`;
  const count = data && Array.isArray(data.frames) ? data.frames.length : 0;
  const frame = count ? data.frames[Math.floor(count / 2)] : null;
  return {
    name,
    detail: count > 1 ? `${count} slices` : "",
    thumb: frame && frame.src ? frame.src : "",
  };
}

function initStudyViewer(root) {
  if (root.hasAttribute("data-study-viewer-ready")) {
    return;
  }
  root.setAttribute("data-study-viewer-ready", "");
  const items = Array.from(root.querySelectorAll(ITEMS)).filter((item) => item.id);
  if (items.length < 2) {
    return;
  }
  root.classList.add("is-enhanced");
  const strip = document.createElement("ol");
  strip.className = "study-strip";
  strip.setAttribute("aria-label", "Images");
  const buttons = items.map((item, index) => {
    const { name, detail, thumb } = describe(item, index + 1);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "study-strip-button";
    button.setAttribute("aria-controls", item.id);
    button.setAttribute("data-study-figure", item.id);
    if (thumb) {
      const image = document.createElement("img");
      image.className = "study-strip-thumb";
      image.alt = "";
      image.loading = "lazy";
      image.src = thumb;
      button.append(image);
    }
    const text = document.createElement("span");
    text.className = "study-strip-name";
    text.textContent = name;
    button.append(text);
    if (detail) {
      const more = document.createElement("span");
      more.className = "study-strip-detail";
      more.textContent = detail;
      button.append(more);
    }
    button.addEventListener("click", () => show(index, true));
    const entry = document.createElement("li");
    entry.append(button);
    strip.append(entry);
    return button;
  });
  root.prepend(strip);

  function show(index, focus) {
    items.forEach((item, i) => {
      item.hidden = i !== index;
      buttons[i].setAttribute("aria-current", String(i === index));
    });
    if (focus) {
      const stage = items[index].querySelector("[data-viewer-stage]");
      if (stage && stage.tabIndex >= 0) {
        stage.focus({ preventScroll: true });
      }
    }
  }

  function showTarget() {
    const index = items.findIndex((item) => `#${item.id}` === window.location.hash);
    if (index >= 0) {
      show(index, false);
      return true;
    }
    return false;
  }

  if (!showTarget()) {
    show(0, false);
  }
  window.addEventListener("hashchange", showTarget);
}

export function initStudyViewers(scope = document) {
  scope.querySelectorAll("[data-study-viewer]").forEach(initStudyViewer);
}

initStudyViewers();
