// The TC5G chat widget. A shop adds it with one tag:
//   <script src="https://chat.tc5g.cl/widget.js" data-server="https://chat.tc5g.cl" defer></script>
// data-server is the tcs-server's web address (default: where this file came from); a shop on
// another origin must be allowed there with tcs-server --web-origin.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(script.getAttribute("data-server") || script.src, location.href);
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = new URL("/widget/widget.css", base).href;
  document.head.appendChild(css);
  import(new URL("/widget/app.js", base).href).then(function (m) {
    window.tcsWidget = m.mountWidget({ server: base.href });
  });
})();
