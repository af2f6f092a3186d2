"""Leadership insight: participation figures, the workshop burn-up, leading indicators (service ideas, internal service reviews), exports and the weekly digest."""
