// fhirmig's page works without JavaScript; this file only suggests a patient id on the
// new-diary form from the name and the birth date, until the patient types their own.
(function () {
  "use strict";
  var form = document.getElementById("new-diary");
  if (!form) { return; }
  var id = form.querySelector("[name=id]");
  var given = form.querySelector("[name=given]");
  var family = form.querySelector("[name=family]");
  var birth = form.querySelector("[name=birthDate]");
  if (!id || !given || !family || !birth) { return; }
  var typed = id.value !== "";
  function slug(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }
  function suggest() {
    if (typed) { return; }
    var name = slug(given.value + " " + family.value) || "patient";
    id.value = /^\d{4}-\d{2}-\d{2}$/.test(birth.value) ? name + "-" + birth.value : name;
  }
  id.addEventListener("input", function () { typed = id.value !== ""; });
  [given, family, birth].forEach(function (el) { el.addEventListener("input", suggest); });
})();
