// The baseline: what Node pays just to load the SDKs the program imports.
import "@pulumi/pulumi";
import "@pulumi/aws";
import "@pulumi/gcp";
import "@pulumi/kubernetes";
