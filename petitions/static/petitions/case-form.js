// A double click sends the form once (the server also turns a second sending into the same case).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches("form[data-once]")) { return; }
  if (form.dataset.sent === "1") { event.preventDefault(); return; }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (button) {
    button.setAttribute("aria-disabled", "true");
    button.classList.add("disabled");
  });
});

// Pre-selection on the desk form (the server applies the same defaults): ticking 涉诉 or 越级
// selects the matching referral reason, and with "accept on the spot" the district selects its
// branch. A choice the clerk made is never overwritten; an automatic one follows the boxes.
(function () {
  function follow(select, wanted) {
    if (!select) { return; }
    var auto = select.dataset.auto || "";
    if (select.value === "" || select.value === auto) {
      select.value = wanted;
      select.dataset.auto = wanted;
    }
  }
  function referral() {
    var select = document.getElementById("id_referral_reason");
    var litigation = document.getElementById("id_in_litigation");
    var skipped = document.getElementById("id_skipped_level");
    if (!select || !litigation || !skipped) { return; }
    var wanted = "";
    if (litigation.checked) { wanted = select.dataset.forInLitigation || ""; }
    else if (skipped.checked) { wanted = select.dataset.forSkippedLevel || ""; }
    follow(select, wanted);
  }
  function branch() {
    var select = document.getElementById("id_assign_to");
    var district = document.getElementById("id_district");
    var accept = document.getElementById("id_accept_now");
    if (!select || !district || !accept) { return; }
    var branches = JSON.parse(select.dataset.branches || "{}");
    follow(select, accept.checked ? String(branches[district.value] || "") : "");
  }
  document.addEventListener("change", function (event) {
    var id = event.target.id;
    if (id === "id_in_litigation" || id === "id_skipped_level") { referral(); }
    if (id === "id_district" || id === "id_accept_now") { branch(); }
  });
})();
