/* The /query page: YASGUI (served from this server's static folder) against this server's
   /sparql. Its settings come from the JSON block #editor-config; nothing here talks to any
   other host: the class and property completions are this dataset's ontology terms and the
   prefix completions this project's prefixes, instead of YASGUI's remote look-ups (LOV). */
(function () {
  "use strict";

  var holder = document.getElementById("editor");
  var block = document.getElementById("editor-config");
  if (!holder || !block || typeof Yasgui === "undefined") {
    return;
  }
  var config = JSON.parse(block.textContent);
  var Yasqe = Yasgui.Yasqe;

  // Completions from this dataset only.
  function local(from, name, terms) {
    Yasqe.forkAutocompleter(from, {
      name: name,
      bulk: true,
      persistenceId: null,
      get: function () {
        return terms;
      }
    });
  }
  local("class", "local-class", config.classes || []);
  local("property", "local-property", config.properties || []);
  Yasqe.defaults.autocompleters = Yasqe.defaults.autocompleters.filter(function (name) {
    return name !== "class" && name !== "property";
  });
  Yasqe.defaults.prefixCcApi = config.prefixesUrl;

  var yasgui = new Yasgui(holder, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    persistenceId: "civicgraph-editor",
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: config.endpoint }];
      }
    },
    yasqe: { value: config.defaultQuery },
    yasr: { prefixes: config.prefixes }
  });

  if (config.prefill) {
    var current = yasgui.getTab();
    if (current && current.getQuery() === config.defaultQuery && !current.hasResults()) {
      // A fresh editor's untouched first tab takes the query instead of a second tab.
      current.setQuery(config.query);
      current.setName(config.tab);
    } else {
      var tab = yasgui.addTab(
        true,
        { name: config.tab, yasqe: { value: config.query }, requestConfig: { endpoint: config.endpoint } },
        { avoidDuplicateTabs: true }
      );
      yasgui.selectTabId(tab.getId());
    }
  }

  // The dataset's IRIs are canonical (config.base); open them on this server instead, as
  // every other page does: BASE/id/x → /page/x, any other BASE/path → /path.
  holder.addEventListener(
    "click",
    function (event) {
      var link = event.target.closest ? event.target.closest("a[href]") : null;
      if (!link) {
        return;
      }
      var href = link.getAttribute("href");
      if (!config.base || href.indexOf(config.base) !== 0 || config.base === config.origin + "/") {
        return;
      }
      var rest = href.slice(config.base.length);
      if (rest.indexOf("id/") === 0) {
        rest = "page/" + rest.slice(3);
      }
      link.setAttribute("href", config.origin + "/" + rest);
    },
    true
  );

  holder.setAttribute("data-ready", "true");
})();
