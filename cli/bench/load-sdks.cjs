// The baseline: what plain Node pays just to load the four SDKs the program imports.
require("@pulumi/pulumi");
require("@pulumi/aws");
require("@pulumi/gcp");
require("@pulumi/kubernetes");
