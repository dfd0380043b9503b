# Reference values from metafor for the pooling tests (test_pooling_metafor.py,
# test_example_pooling.py, test_pooling.py, test_bias.py, test_effects.py). Called as
#   Rscript metafor_reference.R cases.json reference.json
# cases.json: {"cases": [case, ...]}; a case is named ("name") and is one of
#   {"metafor": "dat.bcg"}                    one of metafor's example datasets
#   {"a": [], "n1": [], "c": [], "n2": []}    2x2 counts (events/total per arm)
#   {"hr": [], "lower": [], "upper": [], "level": []}  hazard ratios with CIs
#   {"hr_p": [], "p": []}                     hazard ratios with two-sided p-values
#   {"o_minus_e": [], "v": []}                log-rank O - E and its variance V
#   {"yi": [], "vi": []}                      effect sizes with sampling variances
# with optional "subgroup": [] (one label per study), "methods": [] (default all) and,
# for counts, "add" (escalc's continuity correction, default 1/2), and "trimfill": true
# for trimfill() with every method (L0; R0 and Q0 too for DL and REML), "leave1out":
# false to skip leave1out (slow) where a test does not need it.
# reference.json holds, per case, the raw numbers used (so Python computes from the
# same data), escalc yi/vi, rma fits for every tau2 method with test "z" and "knha",
# predict() intervals, rma.mh (OR, RR, RD) and rma.peto with weights(), leave1out,
# regtest(model="lm") and regtest(fit) (the default: rma on sei) per method, ranktest,
# confint's Q-profile CI of tau^2, and the subgroup difference test (rma fitted per
# subgroup, then rma(estimates, sei, mods = ~factor(group), method = "FE")).
suppressMessages({
  library(metafor)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
cases <- fromJSON(args[1], simplifyVector = TRUE, simplifyDataFrame = FALSE)$cases
# tol: uniroot precision for PM, EB root finding (default .Machine$double.eps^0.25 is loose)
CONTROL <- list(threshold = 1e-10, maxiter = 1000, tol = 1e-12)
ALL_METHODS <- c("FE", "DL", "REML", "PM", "ML", "HE", "SJ", "EB")

# metafor example datasets as raw 2x2 counts or yi/vi
example_data <- function(name) {
  switch(name,
    dat.bcg = with(dat.bcg, list(
      a = tpos, n1 = tpos + tneg, c = cpos, n2 = cpos + cneg
    )),
    dat.collins1985a = with(
      subset(dat.collins1985a, !is.na(b.xti) & !is.na(b.xci)),
      list(a = b.xti, n1 = nti, c = b.xci, n2 = nci)
    ),
    dat.yusuf1985 = with(
      subset(dat.yusuf1985, table == "6"),
      list(a = ai, n1 = n1i, c = ci, n2 = n2i)
    ),
    dat.hine1989 = with(dat.hine1989, list(a = ai, n1 = n1i, c = ci, n2 = n2i)),
    dat.li2007 = with(dat.li2007, list(a = ai, n1 = n1i, c = ci, n2 = n2i)),
    dat.bourassa1996 = with(
      # two tables have an arm of size 0 (no left-handed people): not a 2x2 table
      subset(dat.bourassa1996, sex %in% c("male", "female") & lh.le + lh.re > 0),
      list(
        a = lh.le, n1 = lh.le + lh.re, c = rh.le, n2 = rh.le + rh.re,
        subgroup = as.character(sex)
      )
    ),
    dat.hackshaw1998 = list(yi = dat.hackshaw1998$yi, vi = dat.hackshaw1998$vi),
    dat.normand1999 = {
      es <- escalc("MD",
        m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i,
        n2i = n2i, data = dat.normand1999
      )
      list(yi = as.numeric(es$yi), vi = as.numeric(es$vi))
    },
    stop("unknown dataset ", name)
  )
}

safely <- function(expr) tryCatch(suppressWarnings(expr), error = function(e) NULL)

fit_row <- function(fit) {
  pred <- predict(fit)
  list(
    k = fit$k, estimate = as.numeric(fit$b), se = fit$se, ci_lb = fit$ci.lb,
    ci_ub = fit$ci.ub, zval = fit$zval, pval = fit$pval, tau2 = fit$tau2,
    I2 = fit$I2, H2 = fit$H2, QE = fit$QE, QEp = fit$QEp,
    pi_lb = if (is.null(pred$pi.lb)) NA else pred$pi.lb,
    pi_ub = if (is.null(pred$pi.ub)) NA else pred$pi.ub
  )
}

rma_fits <- function(yi, vi, measure, methods) {
  rows <- list()
  for (method in methods) {
    for (test in if (method == "FE") "z" else c("z", "knha")) {
      fit <- safely(rma(yi, vi, method = method, test = test, control = CONTROL))
      row <- if (is.null(fit)) list(error = TRUE) else fit_row(fit)
      rows[[length(rows) + 1]] <- c(list(measure = measure, method = method, test = test), row)
    }
  }
  rows
}

leave_one_out <- function(yi, vi, method, test) {
  fit <- safely(rma(yi, vi, method = method, test = test, control = CONTROL))
  if (is.null(fit) || length(yi) < 3) {
    return(NULL)
  }
  out <- leave1out(fit)
  list(
    method = method, test = test, estimate = out$estimate, se = out$se,
    zval = if (is.null(out$zval)) out$tval else out$zval, pval = out$pval, ci_lb = out$ci.lb, ci_ub = out$ci.ub,
    tau2 = out$tau2, I2 = out$I2, QE = out$Q
  )
}

subgroup_test <- function(yi, vi, group, method, test) {
  levels <- sort(unique(group))
  fits <- lapply(levels, function(g) {
    keep <- group == g
    rma(yi[keep], vi[keep], method = method, test = test, control = CONTROL)
  })
  est <- sapply(fits, function(f) as.numeric(f$b))
  se <- sapply(fits, function(f) f$se)
  between <- rma(est, sei = se, mods = ~ factor(levels), method = "FE")
  list(
    method = method, test = test, QM = between$QM, df = between$QMdf[1],
    pval = between$QMp, estimates = est, se = se,
    levels = as.character(levels), fits = lapply(fits, fit_row)
  )
}

bias_tests <- function(yi, vi, methods) {
  if (length(yi) < 3) {
    return(NULL)
  }
  # egger_*: the classical test, regtest(model = "lm"); regtest$<method>_<test>: the
  # default on a fitted model, rma(yi, vi, mods = ~ sei) with the model's method/test
  egger <- regtest(yi, vi, model = "lm")
  begg <- ranktest(yi, vi)
  default <- list()
  for (method in methods) {
    for (test in if (method == "FE") "z" else c("z", "knha")) {
      fit <- safely(rma(yi, vi, method = method, test = test, control = CONTROL))
      reg <- if (is.null(fit)) NULL else safely(regtest(fit))
      default[[paste(method, test, sep = "_")]] <- if (is.null(reg)) list(error = TRUE) else
        list(zval = reg$zval, pval = reg$pval, dfs = reg$dfs, est = reg$est,
             ci_lb = reg$ci.lb, ci_ub = reg$ci.ub, tau2 = reg$fit$tau2)
    }
  }
  list(
    egger_t = egger$zval, egger_df = egger$dfs, egger_p = egger$pval,
    egger_est = egger$est, egger_ci_lb = egger$ci.lb, egger_ci_ub = egger$ci.ub,
    begg_tau = as.numeric(begg$tau), begg_p = begg$pval, regtest = default
  )
}

tau2_ci <- function(yi, vi) {
  # Q-profile CI (confint's default for rma.uni); the estimator only sets the point
  if (length(yi) < 2) {
    return(NULL)
  }
  fit <- safely(rma(yi, vi, method = "REML", control = CONTROL))
  # tau2.max: confint stops its search at 100 by default and reports 100 as the bound
  ci <- if (is.null(fit)) NULL else
    safely(confint(fit, control = list(tol = 1e-12, tau2.max = 1e6)))
  if (is.null(ci)) list(error = TRUE) else
    list(lower = ci$random[1, 2], upper = ci$random[1, 3])
}

trim_and_fill <- function(yi, vi, methods) {
  # trimfill() passes '...' (here: control) to its fits but not the test; its refit
  # uses the z test whatever the model's test
  if (length(yi) < 3) {
    return(NULL)
  }
  out <- list()
  for (method in methods) {
    for (estimator in if (method %in% c("DL", "REML")) c("L0", "R0", "Q0") else "L0") {
      fit <- safely(rma(yi, vi, method = method, control = CONTROL))
      filled <- if (is.null(fit)) NULL else
        safely(trimfill(fit, estimator = estimator, control = CONTROL))
      out[[paste(method, estimator, sep = "_")]] <- if (is.null(filled)) list(error = TRUE) else
        c(fit_row(filled), list(k0 = filled$k0, side = filled$side))
    }
  }
  out
}

analyse <- function(case) {
  data <- if (!is.null(case$metafor)) example_data(case$metafor) else case
  methods <- if (is.null(case$methods)) ALL_METHODS else case$methods
  group <- data$subgroup
  out <- list(name = case$name, subgroup = group)
  sets <- list()
  if (!is.null(data$a)) {
    complete <- !is.na(data$a) & !is.na(data$n1) & !is.na(data$c) & !is.na(data$n2)
    data <- lapply(data, function(column) if (length(column) > 1) column[complete] else column)
    group <- data$subgroup
    out$subgroup <- group
    out$counts <- list(a = data$a, n1 = data$n1, c = data$c, n2 = data$n2)
    out$escalc <- list()
    add <- if (is.null(case$add)) 1 / 2 else case$add
    for (measure in c("OR", "RR", "RD")) {
      # escalc defaults (add = 1/2 to every cell of a study with a zero cell);
      # studies without events (or only events) in both arms dropped for OR and RR
      es <- escalc(measure,
        ai = data$a, n1i = data$n1, ci = data$c, n2i = data$n2,
        drop00 = measure != "RD", add = add
      )
      out$escalc[[measure]] <- list(yi = as.numeric(es$yi), vi = as.numeric(es$vi))
      keep <- !is.na(es$yi)
      sets[[measure]] <- list(yi = as.numeric(es$yi)[keep], vi = as.numeric(es$vi)[keep],
                              group = if (is.null(group)) NULL else group[keep])
    }
    out$mh <- list()
    for (measure in c("OR", "RR", "RD")) {
      fit <- safely(rma.mh(ai = data$a, n1i = data$n1, ci = data$c, n2i = data$n2,
                           measure = measure, add = add))
      out$mh[[measure]] <- if (is.null(fit)) list(error = TRUE) else
        c(fit_row(fit)[c("k", "estimate", "se", "ci_lb", "ci_ub", "zval", "pval",
                         "I2", "H2", "QE", "QEp")],
          list(k_yi = fit$k.yi, weights = as.numeric(weights(fit))))
    }
    fit <- safely(rma.peto(ai = data$a, n1i = data$n1, ci = data$c, n2i = data$n2))
    out$peto <- if (is.null(fit)) list(error = TRUE) else
      c(fit_row(fit)[c("k", "estimate", "se", "ci_lb", "ci_ub", "zval", "pval",
                       "I2", "H2", "QE", "QEp")],
        list(k_yi = fit$k.yi, weights = as.numeric(weights(fit))))
  } else {
    if (!is.null(data[["hr"]])) {
      z <- qnorm((1 + data$level) / 2)
      data$yi <- log(data$hr)
      data$vi <- ((log(data$upper) - log(data$lower)) / (2 * z))^2
      out$hr <- list(yi = data$yi, vi = data$vi)
    }
    if (!is.null(data$hr_p)) {
      # Wald test: SE = |log HR| / z(p / 2)
      data$yi <- log(data$hr_p)
      data$vi <- (data$yi / qnorm(data$p / 2, lower.tail = FALSE))^2
      out$hr <- list(yi = data$yi, vi = data$vi)
    }
    if (!is.null(data$o_minus_e)) {
      # Peto's log HR from the log-rank O - E and its variance V
      data$yi <- data$o_minus_e / data$v
      data$vi <- 1 / data$v
      out$hr <- list(yi = data$yi, vi = data$vi)
    }
    out$generic <- list(yi = data$yi, vi = data$vi)
    sets[["yi"]] <- list(yi = data$yi, vi = data$vi, group = group)
  }
  out$fits <- list()
  out$leave1out <- list()
  out$bias <- list()
  out$tau2_ci <- list()
  out$trimfill <- list()
  out$subgroups <- list()
  for (measure in names(sets)) {
    s <- sets[[measure]]
    # every estimator on OR and generic yi; RR and RD share that code, so FE, DL and
    # REML (one non-iterative, one iterative) check their effect sizes (keeps R fast)
    set_methods <- if (measure %in% c("RR", "RD")) intersect(methods, c("FE", "DL", "REML")) else methods
    out$fits <- c(out$fits, rma_fits(s$yi, s$vi, measure, set_methods))
    if (!isFALSE(case$leave1out)) {
      out$leave1out[[measure]] <- list(
        leave_one_out(s$yi, s$vi, "DL", "z"), leave_one_out(s$yi, s$vi, "REML", "knha")
      )
    }
    out$bias[[measure]] <- bias_tests(s$yi, s$vi, set_methods)
    out$tau2_ci[[measure]] <- tau2_ci(s$yi, s$vi)
    if (isTRUE(case$trimfill)) out$trimfill[[measure]] <- trim_and_fill(s$yi, s$vi, set_methods)
    if (!is.null(s$group)) {
      out$subgroups[[measure]] <- list(
        subgroup_test(s$yi, s$vi, s$group, "DL", "z"),
        subgroup_test(s$yi, s$vi, s$group, "REML", "knha")
      )
    }
  }
  out
}

results <- lapply(cases, analyse)
write_json(
  list(metafor = as.character(packageVersion("metafor")), cases = results),
  args[2],
  auto_unbox = TRUE, digits = NA, na = "null", null = "null"
)
