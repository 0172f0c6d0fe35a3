/* Moves a rotation's people up and down in place (schedules/widgets.py): the buttons also work
   without this script, as form submits. Loaded once per list; runs once per page. */
(function () {
  "use strict";
  if (window.rotationListsReady) {
    return;
  }
  window.rotationListsReady = true;

  function refresh(list) {
    var items = list.querySelectorAll("[data-rotation-item]");
    items.forEach(function (item, index) {
      item.querySelector("[data-rotation-move=up]").disabled = index === 0;
      item.querySelector("[data-rotation-move=down]").disabled = index === items.length - 1;
    });
  }

  function announce(list, item) {
    var status = list.parentElement.querySelector("[data-rotation-status]");
    var position = Array.prototype.indexOf.call(list.children, item) + 1;
    var name = item.querySelector("[data-rotation-label]").textContent;
    status.textContent = status.dataset.template
      .replace("{position}", position)
      .replace("{name}", name);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-rotation-move]");
    if (!button) {
      return;
    }
    event.preventDefault();
    var item = button.closest("[data-rotation-item]");
    var list = item.parentElement;
    if (button.dataset.rotationMove === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (button.dataset.rotationMove === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    }
    refresh(list);
    (button.disabled ? item.querySelector("[data-rotation-move]:not([disabled])") : button).focus();
    announce(list, item);
  });
})();
