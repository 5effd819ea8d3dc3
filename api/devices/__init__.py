"""The measuring devices of the site: one reader per configured device, readings saved and streamed."""
