// Browse and search: on a narrow screen the facets start folded, so the results come first.
// Without this script they are simply open.
(function () {
  "use strict";
  const facets = document.querySelector("details.facets-disclosure");
  if (facets && window.matchMedia("(max-width: 860px)").matches) {
    facets.open = false;
  }
})();
