/* West Suffolk: CKAN's select2 widgets (tags, autocomplete) render a combobox with no accessible
 * name (axe "aria-input-field-name"). Name each one after the label of the field it replaces,
 * whenever select2 draws it. */
"use strict";

(function () {
  function labelFor(container) {
    var original = container.previousElementSibling;
    while (original && !original.id) { original = original.previousElementSibling; }
    var label = original && document.querySelector('label[for="' + original.id + '"]');
    return label ? label.id || (label.id = original.id + "-label") : null;
  }

  function nameSelections(root) {
    root.querySelectorAll(".select2-container").forEach(function (container) {
      var selection = container.querySelector(".select2-selection, .select2-choices, .select2-choice");
      if (!selection || selection.hasAttribute("aria-labelledby")) { return; }
      var labelId = labelFor(container);
      if (labelId) { selection.setAttribute("aria-labelledby", labelId); }
      container.querySelectorAll("input.select2-search__field, input.select2-input").forEach(function (input) {
        if (labelId && !input.hasAttribute("aria-labelledby")) { input.setAttribute("aria-labelledby", labelId); }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameSelections(document);
    new MutationObserver(function () { nameSelections(document); })
      .observe(document.body, { childList: true, subtree: true });
  });
})();
