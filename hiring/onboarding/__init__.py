"""The five-week onboarding programme: enrolment, progress, sign-off and graduation."""
