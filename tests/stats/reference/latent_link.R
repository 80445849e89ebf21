# Reference values for loyalty.stats.latent_link: lavaan two-level SEM, full ML.
#
# Run from the repository root (needs R with lavaan, e.g. Debian's r-cran-lavaan):
#   Rscript tests/stats/reference/latent_link.R $LOYALTY_REFERENCE_DATA/bh1996.csv \
#     tests/stats/reference/latent_link_lavaan.csv
# Writes one row per case and quantity: estimate and standard error (observed information).
#
# Cases: x in LEAD, HRS, COHES; y = WBEING (individual level, Luedtke et al. 2008) or its
# group mean G.WBEING declared at level 2 only (group level, Croon & van Veldhoven 2007).
# fixed.x = FALSE, so the between and within moments of x are estimated by ML.
# "*_missing" cases blank answers by a fixed rule (1-based row i, group g) and use
# missing = "ml": x missing where i %% 11 == 0; individual y missing where i %% 13 == 5;
# group-level y missing for every row of the groups with g %% 10 == 3 (all groups keep x).
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
bh <- read.csv(args[1])
out_file <- args[2]
bh$GWB <- bh$G.WBEING
i <- seq_len(nrow(bh))

rows <- list()
add <- function(case, quantity, est, se = NA) {
  if (length(est) != 1) stop(paste("no value for", case, quantity))
  rows[[length(rows) + 1]] <<- data.frame(case = case, quantity = quantity,
                                         estimate = est, se = se)
}

fit_case <- function(case, data, x, y_level, missing) {
  if (y_level == "group") {
    model <- sprintf("level: 1\n %s ~~ %s\nlevel: 2\n GWB ~ %s\n", x, x, x)
  } else {
    model <- sprintf("level: 1\n WBEING ~ %s\nlevel: 2\n WBEING ~ %s\n", x, x)
  }
  fit <- sem(model, data = data, cluster = "GRP", fixed.x = FALSE, estimator = "ML",
             information = "observed", observed.information = "hessian",
             missing = missing, optim.method = "nlminb")
  stopifnot(lavInspect(fit, "converged"))
  pe <- parameterEstimates(fit)
  ss <- standardizedSolution(fit)
  yv <- if (y_level == "group") "GWB" else "WBEING"
  pick <- function(tab, lhs, op, rhs, lev) {
    tab[tab$lhs == lhs & tab$op == op & tab$rhs == rhs & tab$block == lev, ]
  }
  s <- pick(pe, yv, "~", x, 2)
  add(case, "slope", s$est, s$se)
  stopifnot(nrow(ss) == nrow(pe))  # same rows, same order; ss has no block column
  r <- ss[pe$lhs == yv & pe$op == "~" & pe$rhs == x & pe$block == 2, ]
  add(case, "r", r$est.std, r$se)
  tx <- pick(pe, x, "~~", x, 2)
  add(case, "between_var_x", tx$est, tx$se)
  psi <- pick(pe, yv, "~~", yv, 2)
  add(case, "between_resid_var_y", psi$est, psi$se)
  add(case, "between_var_y", s$est^2 * tx$est + psi$est)
  add(case, "between_cov", s$est * tx$est)
  add(case, "mean_x", pick(pe, x, "~1", "", 2)$est, pick(pe, x, "~1", "", 2)$se)
  wx <- pick(pe, x, "~~", x, 1)
  add(case, "within_var_x", wx$est, wx$se)
  if (y_level == "individual") {
    ws <- pick(pe, yv, "~", x, 1)
    add(case, "within_slope", ws$est, ws$se)
    wy <- pick(pe, yv, "~~", yv, 1)
    add(case, "within_resid_var_y", wy$est, wy$se)
  }
  add(case, "loglik", fitMeasures(fit, "logl"))
  add(case, "n", lavInspect(fit, "nobs"))
  add(case, "n_groups", lavInspect(fit, "nclusters"))
}

miss <- bh
miss$LEAD[i %% 11 == 0] <- NA
miss$WBEING[i %% 13 == 5] <- NA
miss$GWB[miss$GRP %% 10 == 3] <- NA

for (x in c("LEAD", "HRS", "COHES")) {
  for (lev in c("group", "individual")) {
    fit_case(paste(lev, x, sep = "_"), bh, x, lev, "listwise")
  }
}
# lavaan 0.6 stops ("optimizer warns that a solution has NOT been found") when a group-level y
# sits on rows whose x is missing. Those rows carry no information in this model (y is also on
# the group's other rows), so dropping them gives the same likelihood; latent_link gets them.
fit_case("group_LEAD_missing", miss[!is.na(miss$LEAD), ], "LEAD", "group", "ml")
fit_case("individual_LEAD_missing", miss, "LEAD", "individual", "ml")
res <- do.call(rbind, rows)
write.csv(res, out_file, row.names = FALSE)
cat(sprintf("lavaan %s, %s\n", packageVersion("lavaan"), R.version.string))
print(res, digits = 10)
