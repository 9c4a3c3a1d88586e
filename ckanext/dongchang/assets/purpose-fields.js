/* Issue 17 item 9: the application form shows only the fields the chosen purpose uses.
 * Every such field is rendered (the form works without JavaScript, and the server ignores a
 * field its purpose does not use) inside an element whose data-purposes lists the purposes
 * that use it; this module hides the others whenever the purpose changes. */
this.ckan.module("dongchang-purpose-fields", function ($) {
  return {
    initialize: function () {
      var form = this.el;
      var purpose = form.find('[name="purpose"]');
      function update() {
        var chosen = purpose.val();
        form.find(".dongchang-purpose-field").each(function () {
          var uses = ($(this).attr("data-purposes") || "").split(/\s+/);
          var shown = !chosen || uses.indexOf(chosen) !== -1;
          $(this).prop("hidden", !shown);
          $(this).find("input, select, textarea").prop("disabled", !shown);
        });
      }
      purpose.on("change", update);
      update();
    }
  };
});
