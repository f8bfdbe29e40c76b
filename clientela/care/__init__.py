"""Complaint cases: the recovery playbook, the complainer profile, reviews and satisfaction."""
