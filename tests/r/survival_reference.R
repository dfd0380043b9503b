# Reference values from R's survival and stats packages for tests/test_survival.py
# and tests/test_cohort.py.
#
# Usage: Rscript tests/r/survival_reference.R DIR OUT.tsv
#   DIR holds <dataset>.csv files (time, event, arm, group: 1 = the arm whose HR is
#   reported) and tables.csv (name, x1, n1, x2, n2: responders and patients per arm).
#   The script first writes survival::lung and survival::aml into DIR in the same
#   shape, so Python reads exactly the numbers R uses.
# Output: long TSV with columns dataset, quantity, arm, variant, value (%.17g).
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
out <- args[2]

lung_data <- survival::lung
write.csv(
  data.frame(time = lung_data$time, event = lung_data$status - 1,
             arm = ifelse(lung_data$sex == 1, "male", "female"),
             group = as.integer(lung_data$sex == 2)),
  file.path(dir, "lung.csv"), row.names = FALSE
)
aml_data <- survival::aml
write.csv(
  data.frame(time = aml_data$time, event = aml_data$status,
             arm = as.character(aml_data$x),
             group = as.integer(aml_data$x == "Maintained")),
  file.path(dir, "aml.csv"), row.names = FALSE
)

rows <- list()
add <- function(dataset, quantity, arm, variant, value) {
  rows[[length(rows) + 1]] <<- data.frame(
    dataset = dataset, quantity = quantity, arm = arm, variant = variant,
    value = ifelse(is.na(value), "", sprintf("%.17g", value))
  )
}

files <- setdiff(list.files(dir, pattern = "\\.csv$"), "tables.csv")
for (file in files) {
  name <- sub("\\.csv$", "", file)
  patients <- read.csv(file.path(dir, file), stringsAsFactors = FALSE)
  for (conf_type in c("log-log", "log", "plain")) {
    fit <- survfit(Surv(time, event) ~ arm, data = patients, conf.type = conf_type)
    quantiles <- quantile(fit, probs = 0.5)
    arms <- sub("^arm=", "", names(fit$strata))
    for (i in seq_along(arms)) {
      add(name, "median", arms[i], conf_type, quantiles$quantile[i, 1])
      add(name, "median_lower", arms[i], conf_type, quantiles$lower[i, 1])
      add(name, "median_upper", arms[i], conf_type, quantiles$upper[i, 1])
      if (conf_type == "log-log") {
        add(name, "n", arms[i], "", fit$n[i])
        add(name, "events", arms[i], "", sum(fit[i]$n.event))
      }
    }
  }
  logrank <- survdiff(Surv(time, event) ~ arm, data = patients)
  add(name, "logrank_chisq", "", "", logrank$chisq)
  add(name, "logrank_p", "", "", pchisq(logrank$chisq, length(logrank$n) - 1, lower.tail = FALSE))
  for (ties in c("efron", "breslow")) {
    cox <- coxph(Surv(time, event) ~ group, data = patients, ties = ties)
    ci <- summary(cox)$conf.int
    add(name, "cox_hr", "", ties, ci[1, "exp(coef)"])
    add(name, "cox_lower", "", ties, ci[1, "lower .95"])
    add(name, "cox_upper", "", ties, ci[1, "upper .95"])
    add(name, "cox_p", "", ties, summary(cox)$coefficients[1, "Pr(>|z|)"])
  }
}

tables <- read.csv(file.path(dir, "tables.csv"), stringsAsFactors = FALSE)
for (i in seq_len(nrow(tables))) {
  t <- tables[i, ]
  counts <- matrix(c(t$x1, t$n1 - t$x1, t$x2, t$n2 - t$x2), nrow = 2, byrow = TRUE)
  for (correct in c(FALSE, TRUE)) {
    test <- suppressWarnings(chisq.test(counts, correct = correct))
    variant <- if (correct) "yates" else "pearson"
    add(t$name, "chisq", "", variant, test$statistic)
    add(t$name, "chisq_p", "", variant, test$p.value)
  }
  fisher <- fisher.test(counts)
  add(t$name, "fisher_p", "", "", fisher$p.value)
  add(t$name, "fisher_or", "", "", fisher$estimate)
  add(t$name, "fisher_lower", "", "", fisher$conf.int[1])
  add(t$name, "fisher_upper", "", "", fisher$conf.int[2])
  for (arm in 1:2) {
    exact <- binom.test(c(t$x1, t$x2)[arm], c(t$n1, t$n2)[arm])
    add(t$name, "clopper_pearson_lower", as.character(arm), "", exact$conf.int[1])
    add(t$name, "clopper_pearson_upper", as.character(arm), "", exact$conf.int[2])
  }
}

result <- do.call(rbind, rows)
writeLines(paste("# R", R.version$major, R.version$minor, "survival",
                 as.character(packageVersion("survival"))), out)
suppressWarnings(write.table(result, out, sep = "\t", quote = FALSE, row.names = FALSE,
                             append = TRUE))
