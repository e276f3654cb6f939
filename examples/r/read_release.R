# Reading an alliance-data release in R: the CSV files with readr, the SQLite database with
# RSQLite and the Stata files with haven. Run from anywhere, with the release's directory:
#
#   Rscript examples/r/read_release.R releases/v3.0.0
#
# (without it, the current directory must be a release's).
#
# It prints, for every table, the rows each format holds, and the levels of `certainty`,
# which the Stata file carries as value labels in the codebook's order.
suppressPackageStartupMessages({
  library(readr)
  library(DBI)
  library(RSQLite)
  library(haven)
})

args <- commandArgs(trailingOnly = TRUE)
release <- if (length(args) >= 1) args[[1]] else "."
if (!file.exists(file.path(release, "alliance.db"))) {
  message(sprintf("error: %s is not a release directory (no alliance.db in it)", normalizePath(release, mustWork = FALSE)))
  message("usage: Rscript read_release.R RELEASE_DIR, e.g. Rscript examples/r/read_release.R releases/v3.0.0")
  quit(status = 2)
}

db <- dbConnect(RSQLite::SQLite(), file.path(release, "alliance.db"), flags = RSQLite::SQLITE_RO)
tables <- sub("\\.csv$", "", list.files(release, pattern = "\\.csv$"))

for (table in tables) {
  # Every column as text first: empty fields are NA, quoted empty strings stay "".
  from_csv <- read_csv(file.path(release, paste0(table, ".csv")),
                       col_types = cols(.default = col_character()), na = "",
                       progress = FALSE)
  from_sqlite <- dbGetQuery(db, paste0("SELECT COUNT(*) AS n FROM \"", table, "\""))$n
  from_stata <- read_dta(file.path(release, "stata", paste0(table, ".dta")))
  cat(sprintf("rows\t%s\t%d\t%d\t%d\n", table, nrow(from_csv), from_sqlite, nrow(from_stata)))
}

claims <- read_dta(file.path(release, "stata", "claims.dta"))
certainty <- as_factor(claims$certainty, levels = "labels")
cat(sprintf("levels\tcertainty\t%s\n", paste(levels(certainty), collapse = ",")))
cat(sprintf("ordered\tcertainty\t%s\n", is.ordered(factor(certainty, levels = levels(certainty), ordered = TRUE))))

# The same question in SQL and in R: claims by certainty.
by_sql <- dbGetQuery(db, "SELECT certainty, COUNT(*) AS n FROM claims GROUP BY certainty ORDER BY certainty")
for (i in seq_len(nrow(by_sql))) {
  cat(sprintf("count\t%s\t%d\n", by_sql$certainty[[i]], by_sql$n[[i]]))
}
dbDisconnect(db)
