"""The numbers: counts summed unit -> area -> city and rates from sums, comparison with the city, trends,
evaluation (difference in differences), the Sozialindex and the programme's published shares."""
