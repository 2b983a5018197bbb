"""GraphiQL served from the package: pinned assets, their update script and the IDE page."""
