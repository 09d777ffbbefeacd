"""Reading and validating data: CSV/XLSX readers, the validators, the one validated Dataset, wide tables, the
city of Cologne's formats (koeln/) and the download of its open data."""
