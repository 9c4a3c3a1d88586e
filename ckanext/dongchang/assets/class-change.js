/* Issue 17 item 6: the edit form of a published entry warns before a class change is saved.
 * The server renders the note (.dongchang-class-change-warning, visible without JavaScript);
 * this script, loaded as an asset because the site's CSP forbids inline scripts and handlers,
 * turns it into an alert as soon as a field named in data-watch differs from its value when
 * the page loaded, and asks data-confirm before such a form is submitted. */
(function () {
  var note = document.querySelector(".dongchang-class-change-warning");
  if (!note) { return; }
  var form = note.closest("form");
  if (!form) { return; }
  var names = (note.getAttribute("data-watch") || "").split(/\s+/).filter(Boolean);

  function valueOf(name) {
    var fields = form.querySelectorAll('[name="' + name + '"]');
    var values = [];
    Array.prototype.forEach.call(fields, function (field) {
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) { return; }
      values.push(field.value);
    });
    return values.join(",");
  }

  var initial = {};
  names.forEach(function (name) { initial[name] = valueOf(name); });

  function changed() {
    return names.some(function (name) { return valueOf(name) !== initial[name]; });
  }

  function update() {
    var on = changed();
    note.classList.toggle("alert", on);
    note.classList.toggle("alert-warning", on);
    note.setAttribute("role", on ? "alert" : "note");
  }

  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) {
    if (changed() && !window.confirm(note.getAttribute("data-confirm") || "")) {
      event.preventDefault();
    }
  });
})();
