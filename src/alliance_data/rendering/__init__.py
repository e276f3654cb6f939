"""Pages and pictures of the data: the article page, the argument map and the figures."""
