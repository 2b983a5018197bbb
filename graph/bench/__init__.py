"""`graph bench`: synthetic data at three sizes, the frontend's operations under wrk, floors."""
