// Mounts GraphiQL, with the schema explorer, on the page GET /graphql serves to browsers.
// Every script is served from this package (see VERSIONS.md), so the IDE works offline.
(function () {
  "use strict";

  const DEFAULT_QUERY = `# GraphiQL for the blog relays' API.
# Ctrl-Enter (or the play button) runs the query; the explorer on the left builds one,
# the docs explain every type and field. Editors: put
#   {"Authorization": "Bearer graph_…"}
# in Headers below to see drafts and use mutations.
{
  relays(first: 3) {
    edges {
      node {
        title
        slug
      }
    }
  }
}
`;

  // Queries go to the address this page was served from, /graphql.
  const url = window.location.origin + window.location.pathname;
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: url }),
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
      defaultQuery: DEFAULT_QUERY,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      // A token typed into the headers editor stays in this tab, not in localStorage.
      shouldPersistHeaders: false,
      inputValueDeprecation: true,
    }),
  );
})();
