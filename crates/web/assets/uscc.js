// 统一社会信用代码 checked as it is typed (GB 32100-2015: charset, division code, check character). A convenience
// only: the server checks again, and the form works without this script.
(function () {
  var ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  function check(code) {
    if (code.length === 0) return "";
    for (var i = 0; i < code.length; i++) {
      if (ALPHABET.indexOf(code[i]) < 0) return "第" + (i + 1) + "位“" + code[i] + "”不是信用代码允许的字符（不含 I、O、Z、S、V）";
    }
    if (code.length < 18) return "还差" + (18 - code.length) + "位（共18位）";
    if (code.length > 18) return "信用代码为18位，多了" + (code.length - 18) + "位";
    if (!/^[0-9]{6}$/.test(code.slice(2, 8))) return "第3至8位应为行政区划代码（数字）";
    var sum = 0;
    for (var j = 0; j < 17; j++) sum += ALPHABET.indexOf(code[j]) * WEIGHTS[j];
    var expected = ALPHABET[(31 - sum % 31) % 31];
    return code[17] === expected ? "" : "校验位不符：按前17位，第18位应为 " + expected + "，请核对";
  }
  document.querySelectorAll("input[data-uscc]").forEach(function (input) {
    var out = document.getElementById(input.id + "-live");
    input.addEventListener("input", function () {
      var msg = check(input.value.trim().toUpperCase());
      input.setCustomValidity(msg);
      input.setAttribute("aria-invalid", msg ? "true" : "false");
      if (out) { out.textContent = msg || (input.value.trim().length === 18 ? "✓ 信用代码格式正确" : ""); out.className = msg ? "field-error" : "hint"; }
    });
  });
})();
