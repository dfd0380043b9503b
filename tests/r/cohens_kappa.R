# Cohen's kappa of two raters by caret::confusionMatrix, the oracle of
# tests/test_agreement.py. Usage: Rscript cohens_kappa.R "a,b,c" "a,c,c"
# Prints kappa and accuracy (raw agreement) with 15 significant digits.
suppressMessages(library(caret))
args <- commandArgs(trailingOnly = TRUE)
first <- strsplit(args[[1]], ",")[[1]]
second <- strsplit(args[[2]], ",")[[1]]
levels <- sort(unique(c(first, second)))
matrix <- confusionMatrix(factor(first, levels = levels), factor(second, levels = levels))
cat(format(matrix$overall[["Kappa"]], digits = 15), format(matrix$overall[["Accuracy"]], digits = 15), "\n")
cat("caret", as.character(packageVersion("caret")), R.version.string, "\n")
