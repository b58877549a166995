// The header's menu on a phone: folded behind the Menu button until it is opened.
// Loaded in <head> so that the page is drawn folded from the start; without this script the
// menu simply stays open.
"use strict";

document.documentElement.classList.add("has-site-menu");

// The account drop-down is a <details>: Escape and a click elsewhere close it too.
document.addEventListener("keydown", (event) => {
  const open = document.querySelector("details.user-menu[open]");
  if (event.key === "Escape" && open && open.contains(event.target)) {
    open.open = false;
    open.querySelector("summary").focus();
  }
});

document.addEventListener("click", (event) => {
  const open = document.querySelector("details.user-menu[open]");
  if (open && !open.contains(event.target)) {
    open.open = false;
  }
});

document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  const menu = document.getElementById("site-menu");
  if (!toggle || !menu) {
    return;
  }

  const setOpen = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("is-open", open);
  };

  toggle.addEventListener("click", () => {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });

  // Escape closes the menu and gives the focus back to the button that opened it.
  menu.addEventListener("keydown", (event) => {
    if (
      event.key === "Escape" &&
      !event.defaultPrevented &&
      toggle.getAttribute("aria-expanded") === "true" &&
      !event.target.closest("details.user-menu[open]")
    ) {
      setOpen(false);
      toggle.focus();
    }
  });
});
