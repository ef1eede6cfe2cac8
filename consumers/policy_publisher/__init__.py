"""The reverse flow: approved Exstream policy documents into BigCommerce (docs/policy-publisher.md)."""
