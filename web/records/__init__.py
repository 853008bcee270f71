"""The partnership's records: the honest-conversation and scope registers, the RAID log, and staff transfers."""
