"""From results to report content: German numbers and sentences, figures and maps, report blocks, disclosure
control (the one place every table and figure passes) and the notebook renderer."""
