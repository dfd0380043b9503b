# Q-profile CIs of tau^2 (metafor confint) for the datasets named on the command line.
# Prints CSV: dataset,i,yi,vi (one row per study) then dataset,lower,upper rows.
suppressMessages(library(metafor))
sets <- list(
  bcg = escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg),
  normand = escalc(measure = "MD", m1i = m1i, sd1i = sd1i, n1i = n1i,
                   m2i = m2i, sd2i = sd2i, n2i = n2i, data = dat.normand1999),
  homogeneous = data.frame(yi = c(0.10, 0.12, 0.11, 0.09), vi = c(0.04, 0.05, 0.03, 0.06))
)
cat("kind,dataset,a,b\n")
for (name in names(sets)) {
  d <- sets[[name]]
  for (i in seq_along(d$yi)) cat(sprintf("study,%s,%.17g,%.17g\n", name, d$yi[i], d$vi[i]))
  fit <- rma(yi, vi, data = d, method = "REML", control = list(threshold = 1e-10))
  ci <- confint(fit, control = list(tol = 1e-12))$random
  cat(sprintf("tau2ci,%s,%.17g,%.17g\n", name, ci[1, 2], ci[1, 3]))
}
