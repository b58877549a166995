// Bookmarks, collections and conference mode: small enhancements of pages that work without
// JavaScript.
//
// - The case page's bookmark button toggles without loading the page again.
// - A shared link's field selects its text when focused, ready to copy.
// - Conference mode: keys (→ or space next, ← back, F full screen, Esc exit), the Fullscreen
//   API, and steps fetched in place, so that full screen lasts from one step to the next. Each
//   step is still a page of its own (?item=N&step=K) with nothing of the steps after it.

// Bookmarks ---------------------------------------------------------------------------------------

function initBookmarkForm(form) {
  if (form.hasAttribute("data-ready")) {
    return;
  }
  form.setAttribute("data-ready", "");
  const button = form.querySelector("[data-bookmark-button]");
  const label = form.querySelector("[data-bookmark-label]");
  const status = form.parentElement.querySelector("[data-bookmark-status]");

  function show(bookmarked) {
    form.action = bookmarked ? form.dataset.removeUrl : form.dataset.addUrl;
    button.classList.toggle("is-bookmarked", bookmarked);
    label.replaceChildren(document.createTextNode(bookmarked ? "Bookmarked" : "Bookmark"));
    if (bookmarked) {
      const hint = document.createElement("span");
      hint.className = "visually-hidden";
      hint.textContent = " — remove the bookmark";
      label.append(hint);
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (button.getAttribute("aria-busy") === "true") {
      return;
    }
    button.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }
      const answer = await response.json();
      show(answer.bookmarked);
      if (status) {
        status.textContent = answer.message;
      }
    } catch {
      form.submit(); // the page's own way: post the form and come back
    } finally {
      button.removeAttribute("aria-busy");
    }
  });
}

// Shared links ------------------------------------------------------------------------------------

function initShareField(input) {
  input.addEventListener("focus", () => input.select());
}

// Conference mode ---------------------------------------------------------------------------------

const NEXT_KEYS = ["ArrowRight", " ", "Spacebar", "PageDown"];
const PREVIOUS_KEYS = ["ArrowLeft", "PageUp"];

let viewerModule = null;

async function initViewersIn(scope) {
  if (!scope.querySelector("[data-viewer]")) {
    return;
  }
  viewerModule ??= await import("./viewer.js");
  viewerModule.initViewers(scope);
}

function conference() {
  return document.querySelector("[data-conference]");
}

function toggleFullscreen() {
  if (!document.fullscreenEnabled) {
    return;
  }
  if (document.fullscreenElement) {
    document.exitFullscreen();
  } else {
    document.documentElement.requestFullscreen().catch(() => {});
  }
}

function setUpControls(root) {
  const button = root.querySelector("[data-conference-fullscreen]");
  if (button && document.fullscreenEnabled) {
    button.hidden = false;
    button.setAttribute("aria-pressed", document.fullscreenElement ? "true" : "false");
  }
}

let loading = false;
// Keys pressed while a step loads are kept, so that → → moves two steps as it should.
const queued = [];
const MAX_QUEUED = 8;

function step(direction) {
  if (loading) {
    if (queued.length < MAX_QUEUED) {
      queued.push(direction);
    }
    return;
  }
  const root = conference();
  const url = direction === "next" ? root?.dataset.nextUrl : root?.dataset.previousUrl;
  if (url) {
    goTo(url, { push: true });
  }
}

async function goTo(url, { push }) {
  if (loading) {
    return;
  }
  loading = true;
  let loaded = false;
  const root = conference();
  root.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("[data-conference]");
    if (!fresh) {
      throw new Error("not a conference page");
    }
    const adopted = document.importNode(fresh, true);
    root.replaceWith(adopted);
    document.title = page.title;
    if (push) {
      history.pushState({ conference: true }, "", url);
    }
    setUpControls(adopted);
    await initViewersIn(adopted);
    const current = adopted.querySelector("#current") ?? adopted.querySelector("[data-conference-stage]");
    current.focus({ preventScroll: true });
    current.scrollIntoView({ block: "start" });
    loaded = true;
  } catch {
    queued.length = 0;
    window.location.assign(url); // the page itself, loaded the ordinary way
  } finally {
    loading = false;
    conference()?.removeAttribute("aria-busy");
  }
  if (loaded && queued.length) {
    step(queued.shift());
  }
}

function isTyping(target) {
  return Boolean(target.closest("input, textarea, select, button, summary, [contenteditable]"));
}

function onConferenceKey(event) {
  const root = conference();
  if (!root || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
    return;
  }
  if (event.key !== "Escape" && isTyping(event.target)) {
    return;
  }
  let direction = null;
  if (NEXT_KEYS.includes(event.key)) {
    direction = "next";
  } else if (PREVIOUS_KEYS.includes(event.key)) {
    direction = "previous";
  } else if (event.key === "f" || event.key === "F") {
    event.preventDefault();
    toggleFullscreen();
    return;
  } else if (event.key === "Escape") {
    if (document.fullscreenElement) {
      return; // the browser leaves full screen
    }
    event.preventDefault();
    window.location.assign(root.dataset.exitUrl);
    return;
  } else {
    return;
  }
  event.preventDefault();
  step(direction);
}

function onConferenceClick(event) {
  const link = event.target.closest("a[data-conference-next], a[data-conference-previous]");
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
    return;
  }
  event.preventDefault();
  goTo(link.href, { push: true });
}

function initConference(root) {
  setUpControls(root);
  initViewersIn(root);
  document.addEventListener("keydown", onConferenceKey);
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-conference-fullscreen]")) {
      toggleFullscreen();
      return;
    }
    onConferenceClick(event);
  });
  document.addEventListener("fullscreenchange", () => {
    const current = conference();
    if (current) {
      setUpControls(current);
    }
  });
  window.addEventListener("popstate", () => {
    goTo(window.location.href, { push: false });
  });
}

// Start -----------------------------------------------------------------------------------------

document.querySelectorAll("[data-bookmark-form]").forEach(initBookmarkForm);
document.querySelectorAll("input[data-select-on-focus]").forEach(initShareField);
const root = conference();
if (root && !root.hasAttribute("data-ready")) {
  root.setAttribute("data-ready", "");
  initConference(root);
}
