/* CKAN 2.12 asks /api/i18n/ for the page's translations by turning the <html lang> tag back
 * into a POSIX locale with a single replace: "zh-Hans-CN" becomes "zh_Hans-CN", the API answers
 * 400, and as main.js starts the JS modules only once the translations have loaded, no module
 * (URL preview, autocomplete, data item panels, confirmations) ever starts on the Chinese site.
 * Replace every dash (ckan/ckan#9473). */
(function (ckan) {
  var getLocaleData = ckan.Client.prototype.getLocaleData;
  ckan.Client.prototype.getLocaleData = function (locale, success, error) {
    return getLocaleData.call(this, (locale || '').replace(/-/g, '_'), success, error);
  };
})(this.ckan);
