"""The Offer: policy, eligibility, recording the decision and take-rate statistics."""
