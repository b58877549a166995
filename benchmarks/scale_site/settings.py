"""The product's settings, with the benchmark's baselines beside the site's addresses and every
answer carrying the number of queries it made (`X-Query-Count`)."""

from teachingfile.settings import *  # noqa: F403
from teachingfile.settings import MIDDLEWARE as PRODUCT_MIDDLEWARE

ROOT_URLCONF = "benchmarks.scale_site.urls"

# Outermost, so that the count includes what the session and authentication middleware ask.
MIDDLEWARE = ["benchmarks.scale_site.middleware.count_queries", *PRODUCT_MIDDLEWARE]
