/* Issue 16: the resource form shows only the input of the chosen way to provide the data
 * (templates/dongchang/delivery/snippets/data_source.html). Upload and link are CKAN's own
 * widget in that state; upstream hides the widget, disables its inputs (so nothing of them is
 * sent) and sends url_type=dongchang_upstream with the upstream address. A link is only for
 * the open version: choosing another audience takes the link choice away. Without this
 * script the choice stays hidden and every field shows. */
this.ckan.module("dongchang-data-source", function ($) {
  return {
    initialize: function () {
      var chooser = this.el;
      var form = chooser.closest("form");
      var widget = form.find(".dongchang-source-upload-link");
      var upstreamGroup = form.find("#field-upstream_url").closest(".form-group");
      var upstreamType = form.find("#dongchang-upstream-type");
      var audience = form.find("#field-audience");
      var choices = chooser.find('input[type="radio"]');

      function chosen() {
        return choices.filter(":checked").val() || "upload";
      }
      function update() {
        var source = chosen();
        var upstream = source === "upstream";
        widget.prop("hidden", upstream);
        widget.find('input[name="url_type"], #field-resource-url, #field-resource-upload')
          .prop("disabled", upstream);
        upstreamType.prop("disabled", !upstream);
        upstreamGroup.prop("hidden", !upstream);
        upstreamGroup.find("input").prop("disabled", !upstream);
        form.find("#resource-upload-button").prop("hidden", source !== "upload");
        form.find("#resource-link-button").prop("hidden", source !== "link");
        if (source === "link") {
          form.find("#resource-url-link").prop("checked", true);
          form.find("#field-resource-upload").val("");
        } else if (source === "upload" && form.find("#resource-url-link").prop("checked")) {
          form.find("#resource-url-none").prop("checked", true);
          form.find("#field-resource-url").val("");
        }
      }
      function followAudience() {
        var open = !audience.length || ["", "open"].indexOf(audience.val() || "") !== -1;
        chooser.find("#dongchang-source-link").prop("disabled", !open);
        if (!open && chosen() === "link") {
          chooser.find("#dongchang-source-upload").prop("checked", true);
        }
      }

      chooser.prop("hidden", false);
      choices.on("change", update);
      audience.on("change", function () { followAudience(); update(); });
      followAudience();
      update();
    }
  };
});
