# Trim-and-fill (metafor trimfill, estimator L0) on metafor's own example datasets.
# Prints CSV: study rows (dataset, yi, vi) and result rows (dataset, method, k0, side,
# estimate, se, tau2).
suppressMessages(library(metafor))
sets <- list(
  hackshaw = dat.hackshaw1998,
  bcg = escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
)
cat("kind,dataset,method,k0,side,a,b,c\n")
for (name in names(sets)) {
  d <- sets[[name]]
  for (i in seq_along(d$yi)) cat(sprintf("study,%s,,,,%.17g,%.17g,\n", name, d$yi[i], d$vi[i]))
  for (m in c("REML", "DL", "FE")) {
    fit <- rma(yi, vi, data = d, method = m, control = list(threshold = 1e-10))
    filled <- trimfill(fit)
    # trimfill refits the filled data with metafor's default REML threshold (1e-5);
    # refit it tightly so the comparison tests the estimate, not R's stopping rule.
    refit <- rma(filled$yi, filled$vi, method = m, control = list(threshold = 1e-10))
    cat(sprintf("result,%s,%s,%d,%s,%.17g,%.17g,%.17g\n", name, m, filled$k0, filled$side,
                refit$beta[1], refit$se, refit$tau2))
  }
}
