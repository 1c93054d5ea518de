"""Train a tiny regression model and print its score.

Runs fine on the author's laptop, where pandas and scikit-learn happen to be
installed. In the image, only numpy is.
"""

import json

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression

frame = pd.DataFrame({"x": np.arange(10.0), "y": np.arange(10.0) * 2 + 1})
model = LinearRegression().fit(frame[["x"]], frame["y"])
print(json.dumps({"r2": model.score(frame[["x"]], frame["y"])}))
