"""Analytics: retention (Kaplan-Meier), cohort tables, the pipeline funnel and adverse impact."""
