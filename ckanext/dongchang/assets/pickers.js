/* Issue 17 item 8: pickers show names and send identifiers. CKAN's autocomplete module over an
 * <input> shows the chosen completion by its key (the input's value) once chosen, so a picked
 * department would read "dcf-scjgj" and a request its UUID. This script remembers the label of
 * each completion chosen in an input.dongchang-picker (and the labels the server gives in
 * data-picked-labels, for values already stored) and has the module show that label for the
 * value; the value sent stays the identifier. Without it the pickers still work, showing keys. */
(function ($) {
  var registry = window.ckan && window.ckan.module && window.ckan.module.registry;
  var Autocomplete = registry && registry.autocomplete;
  if (!Autocomplete) { return; }

  function labelsOf(element) {
    var labels = element.data("dongchangLabels");
    if (!labels) {
      labels = {};
      try { $.extend(labels, JSON.parse(element.attr("data-picked-labels") || "{}")); }
      catch (ignored) { /* a malformed attribute: keys are shown */ }
      element.data("dongchangLabels", labels);
    }
    return labels;
  }

  var original = Autocomplete.prototype.formatInitialValue;
  Autocomplete.prototype.formatInitialValue = function (element, callback) {
    if (!element.hasClass("dongchang-picker")) {
      return original.call(this, element, callback);
    }
    var labels = labelsOf(element);
    var value = $.trim(element.val() || "");
    var values = this.options.tags ? value.split(",") : [value];
    var formatted = $.map(values, function (each) {
      each = $.trim(each);
      return each ? {id: each, text: labels[each] || each} : null;
    });
    formatted = this.options.tags ? formatted : (formatted[0] || null);
    if (typeof callback === "function") { callback(formatted); }
    return formatted;
  };

  // "selecting" comes before the module sets the value and redraws; "select" after it, so
  // that one redraws the choice again (change.select2 only redraws, nothing is submitted).
  $(document).on("select2:selecting", "input.dongchang-picker", function (event) {
    var chosen = event.params && event.params.args && event.params.args.data;
    if (chosen && chosen.id) { labelsOf($(this))[chosen.id] = chosen.text; }
  });
  $(document).on("select2:select", "input.dongchang-picker", function (event) {
    var chosen = event.params && event.params.data;
    if (chosen && chosen.id) {
      labelsOf($(this))[chosen.id] = chosen.text;
      $(this).trigger("change.select2");
    }
  });
})(window.jQuery);
