/**
 * The decision rules of autoscaling, with no I/O and no clock of their own (every call is given
 * the time): what size a pool's load asks for ({@link io.fulcrum.scale.decide.Recommender}), and
 * what one step towards it may be now ({@link io.fulcrum.scale.decide.DecisionEngine}: stabilisation
 * windows, min and max, step, cooldown), modelled on Kubernetes' HPA and AWS target tracking.
 */
package io.fulcrum.scale.decide;
