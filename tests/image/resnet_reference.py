"""torchvision's own preprocessing and model output for the parity test (test_resnet.cpp).

usage: resnet_reference.py MODEL.ts OUT.bin IMAGE.jpg...
Writes, per image, the preprocessed [3, 224, 224] floats then the model's features.
"""
import sys

import numpy as np
import torch
import torchvision.transforms.functional as F
from torchvision.io import ImageReadMode, read_image

model = torch.jit.load(sys.argv[1]).eval()
with open(sys.argv[2], "wb") as out:
    for path in sys.argv[3:]:
        img = read_image(path, mode=ImageReadMode.RGB)              # uint8 [3, H, W]
        img = F.resize(img, 256, antialias=False)                   # bilinear, shorter side 256
        img = F.center_crop(img, 224)
        x = F.convert_image_dtype(img, torch.float32)
        x = F.normalize(x, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
        with torch.no_grad():
            y = model(x.unsqueeze(0))[0]
        out.write(x.numpy().astype(np.float32).tobytes())
        out.write(y.numpy().astype(np.float32).tobytes())
